import { asc, gt } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { products, stockLevels } from "../../db/schema";
import { decodeCursor, encodeCursor, invalidCursor } from "../../lib/pagination";
import { type InventoryDO, type StockLevel, stockObject } from "../stock";
import { type LocationRow, locationFacts, locationRows } from "./reconciliation-locations";

type Objects = DurableObjectNamespace<InventoryDO>;

/** Stock objects asked at once: enough to page quickly, few enough not to flood the objects. */
const OBJECT_PARALLELISM = 10;

export interface Quantities {
  on_hand: number;
  reserved: number;
}

export interface ReconciliationRow {
  product_id: string;
  sku: string;
  /** The stock object: the truth. */
  object: Quantities & { version: number };
  /** The movements projected to D1, summed. */
  ledger: Quantities & { movements: number };
  /** The level projected to D1; null when none was ever written. */
  projection: (Quantities & { version: number }) | null;
  /** The same per location, with the dispatch check; the row matches only if every location does. */
  locations: LocationRow[];
  matches: boolean;
  /** The product's own; each location has its own. */
  problems: string[];
}

/** Runs `work` over `items` with at most `limit` at a time, keeping their order. */
async function bounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return out;
}

export const snapshots = (objects: Objects, ids: string[]): Promise<StockLevel[]> =>
  bounded(ids, OBJECT_PARALLELISM, (id) => stockObject(objects, id).snapshot());

function compare(
  object: StockLevel,
  ledger: ReconciliationRow["ledger"],
  projection: ReconciliationRow["projection"],
): string[] {
  const problems: string[] = [];
  if (ledger.on_hand !== object.on_hand) problems.push("ledger on_hand differs from the object");
  if (ledger.reserved !== object.reserved) problems.push("ledger reserved differs from the object");
  if (object.version > 0 && projection === null) problems.push("no projected level");
  if (projection && projection.on_hand !== object.on_hand) problems.push("projected on_hand differs from the object");
  if (projection && projection.reserved !== object.reserved)
    problems.push("projected reserved differs from the object");
  if (projection && projection.version !== object.version) problems.push("projected version differs from the object");
  return problems;
}

/** The three views of the stock of these products, side by side, in total and per location. */
export async function reconcile(db: Database, objects: Objects, page: { id: string; sku: string }[]) {
  const ids = page.map((p) => p.id);
  if (ids.length === 0) return [];
  const [levels, facts, objectLevels] = await Promise.all([
    db.select().from(stockLevels).where(inList(stockLevels.productId, ids)),
    locationFacts(db, ids),
    snapshots(objects, ids),
  ]);
  const levelOf = new Map(levels.map((l) => [l.productId, l]));
  return page.map((p, i): ReconciliationRow => {
    const object = objectLevels[i] as StockLevel;
    const level = levelOf.get(p.id);
    const locations = locationRows(facts, object);
    // The product's ledger is its locations' ledgers summed.
    const ledger = locations.reduce(
      (t, l) => ({
        on_hand: t.on_hand + l.ledger.on_hand,
        reserved: t.reserved + l.ledger.reserved,
        movements: t.movements + l.ledger.movements,
      }),
      { on_hand: 0, reserved: 0, movements: 0 },
    );
    const projection = level ? { on_hand: level.onHand, reserved: level.reserved, version: level.version } : null;
    const problems = compare(object, ledger, projection);
    return {
      product_id: p.id,
      sku: p.sku,
      object: { on_hand: object.on_hand, reserved: object.reserved, version: object.version },
      ledger,
      projection,
      locations,
      matches: problems.length === 0 && locations.every((l) => l.matches),
      problems,
    };
  });
}

/**
 * One page of the catalog (by product), reconciled; the mismatches of the page come
 * first. Pages of up to 100 products (D1's bound-parameter limit for the id lists).
 */
export async function reconciliationPage(
  db: Database,
  objects: Objects,
  query: { limit: number; cursor?: string | undefined; only_mismatches?: boolean | undefined },
) {
  const [after = 0] = query.cursor ? decodeCursor(query.cursor, 1) : [];
  // The cursor is the last product's seq: a whole number (anything else would start over silently).
  if (typeof after !== "number" || !Number.isSafeInteger(after) || after < 0) throw invalidCursor();
  const rows = await db
    .select({ seq: products.seq, id: products.id, sku: products.sku })
    .from(products)
    .where(gt(products.seq, after))
    .orderBy(asc(products.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const reconciled = await reconcile(db, objects, page);
  const data = [
    ...reconciled.filter((r) => !r.matches),
    ...(query.only_mismatches ? [] : reconciled.filter((r) => r.matches)),
  ];
  const last = page.at(-1);
  return {
    data,
    checked: page.length,
    mismatches: reconciled.filter((r) => !r.matches).length,
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.seq]) : null,
  };
}
