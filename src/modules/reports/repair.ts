import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { IDS_PER_QUERY, rowsPerInsert } from "../../db/lists";
import { products, stockLevels, stockLocationLevels, stockMovements } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { getSettings } from "../settings";
import {
  type InventoryDO,
  type LocationLevel,
  type Movement,
  movementRow,
  type StockLevel,
  stockObject,
} from "../stock";
import { type ReconciliationRow, reconcile } from "./reconciliation";
import { rebuildMovementRollups } from "./repair-rollups";

type Objects = DurableObjectNamespace<InventoryDO>;
const LEDGER_PAGE = 200;

/** The object's whole ledger, newest first, page by page. */
async function objectLedger(objects: Objects, productId: string): Promise<Movement[]> {
  const all: Movement[] = [];
  let before: number | null = null;
  for (;;) {
    const page: Movement[] = await stockObject(objects, productId).ledger({ limit: LEDGER_PAGE, before_seq: before });
    all.push(...page);
    const last = page.at(-1);
    if (page.length < LEDGER_PAGE || !last) return all;
    before = last.seq;
  }
}

const levelRow = (level: StockLevel, now: string) => ({
  productId: level.product_id,
  onHand: level.on_hand,
  reserved: level.reserved,
  available: level.available,
  version: level.version,
  lowStockThreshold: level.low_stock_threshold,
  isLow: level.low_stock_threshold !== null && level.available <= level.low_stock_threshold,
  updatedAt: level.updated_at ?? now,
  projectedAt: now,
});

const locationLevelRow = (l: LocationLevel, now: string) => ({
  onHand: l.on_hand,
  reserved: l.reserved,
  damaged: l.damaged,
  quarantine: l.quarantine,
  safetyStock: l.safety_stock,
  incoming: l.incoming,
  out: l.out,
  available: l.available,
  version: l.version,
  updatedAt: l.updated_at ?? now,
  projectedAt: now,
});

/**
 * Makes the D1 ledger and level of one product what its object says: missing movements
 * in, strays out, level set, and the product's movement rollup rebuilt from the ledger.
 */
async function reproject(
  db: Database,
  objects: Objects,
  row: ReconciliationRow,
  now: string,
  timeZone: string,
): Promise<void> {
  const level = await stockObject(objects, row.product_id).snapshot();
  const ledgerWrong = [row.problems, ...row.locations.map((l) => l.problems)].some((problems) =>
    problems.some((p) => p.startsWith("ledger")),
  );
  const movements = ledgerWrong ? await objectLedger(objects, row.product_id) : [];
  const ids = movements.map((m) => m.id);
  const statements = [
    ...(ledgerWrong && ids.length <= IDS_PER_QUERY
      ? [
          db
            .delete(stockMovements)
            .where(
              ids.length > 0
                ? and(eq(stockMovements.productId, row.product_id), notInArray(stockMovements.id, ids))
                : eq(stockMovements.productId, row.product_id),
            ),
        ]
      : []),
    ...chunks(movements, rowsPerInsert(stockMovements)).map((part) =>
      db
        .insert(stockMovements)
        .values(part.map((m) => movementRow(m, now)))
        .onConflictDoNothing(),
    ),
    ...(ledgerWrong ? rebuildMovementRollups(db, row.product_id, movements, timeZone) : []),
    // The object is the truth: the levels are set whatever version the projection claims.
    ...level.locations.map((l) => {
      const set = locationLevelRow(l, now);
      return db
        .insert(stockLocationLevels)
        .values({ productId: level.product_id, locationId: l.location_id, ...set })
        .onConflictDoUpdate({ target: [stockLocationLevels.productId, stockLocationLevels.locationId], set });
    }),
    db
      .insert(stockLevels)
      .values(levelRow(level, now))
      .onConflictDoUpdate({ target: stockLevels.productId, set: levelRow(level, now) }),
  ];
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  if (ledgerWrong && ids.length > IDS_PER_QUERY) {
    // Long ledgers: stray rows are found by reading the D1 ids back, in pieces D1 can bind.
    const known = new Set(ids);
    const projected = await db
      .select({ id: stockMovements.id })
      .from(stockMovements)
      .where(eq(stockMovements.productId, row.product_id));
    const strays = projected.map((p) => p.id).filter((id) => !known.has(id));
    for (const part of chunks(strays, IDS_PER_QUERY)) {
      await db.delete(stockMovements).where(inArray(stockMovements.id, part));
    }
  }
}

/** Re-projects the named products whose D1 projection differs from their object, and says what changed. */
export async function repairProjection(db: Database, objects: Objects, productIds: string[], meta: RequestMeta) {
  const page = await db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(inArray(products.id, [...new Set(productIds)]));
  const before = await reconcile(db, objects, page);
  const broken = before.filter((r) => !r.matches);
  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(db);
  for (const row of broken) await reproject(db, objects, row, now, timeZone);
  const after = await reconcile(
    db,
    objects,
    broken.map((r) => ({ id: r.product_id, sku: r.sku })),
  );
  const repaired = broken.map((r, i) => ({
    product_id: r.product_id,
    before: r,
    after: after[i] as ReconciliationRow,
  }));
  await auditInsert(db, meta, {
    action: "stock.projection_repaired",
    entityType: "stock_projection",
    entityId: meta.requestId,
    before: { products: broken.map((r) => ({ product_id: r.product_id, problems: r.problems })) },
    after: { repaired: repaired.filter((r) => r.after.matches).map((r) => r.product_id) },
  });
  return { checked: page.length, repaired };
}
