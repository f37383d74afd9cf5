/*
 * Transfers: a document (D1) over units that move inside each product's stock object.
 * Creating one moves nothing. Shipping asks every line's object to move the units from
 * `on_hand` at the origin to `incoming` at the destination, by an id derived from the
 * transfer and product, so a retried or concurrent ship moves nothing twice; a line the
 * origin cannot cover is refused alone. Receiving moves in-transit units to `on_hand`
 * (or writes them off as lost), by ids derived from the request's Idempotency-Key. After
 * each step D1 takes the objects' own counts (never less than it had), so a step that
 * crashed half way is completed by its retry and the document converges on the stock.
 * A transfer's id comes from the Idempotency-Key of the request that drafts it
 * (`keyedId`), so a retry after a crash that followed the commit answers with that draft.
 * Derived ids do not sort by time, so lists go by creation time, then id.
 */
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { olderThanCursor } from "../../db/keyset";
import { IDS_PER_QUERY } from "../../db/lists";
import { transferLines, transfers } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { badRequest, notFound } from "../../lib/errors";
import { toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { requireProducts } from "../inventory";
import { requireLocations } from "../locations";
import { type TransferLineRow, type TransferRow, type TransferView, toTransferView } from "./schemas";

export async function loadTransfer(db: Database, id: string): Promise<{ row: TransferRow; lines: TransferLineRow[] }> {
  const [row] = await db.select().from(transfers).where(eq(transfers.id, id)).limit(1);
  if (!row) throw notFound("Transfer");
  const lines = await db
    .select()
    .from(transferLines)
    .where(eq(transferLines.transferId, id))
    .orderBy(transferLines.position);
  return { row, lines };
}

export async function getTransfer(db: Database, id: string): Promise<TransferView> {
  const { row, lines } = await loadTransfer(db, id);
  return toTransferView(row, lines);
}

export async function createTransfer(
  db: Database,
  transferId: string,
  input: {
    from_location_id: string;
    to_location_id: string;
    lines: { product_id: string; qty: number }[];
    note?: string | undefined;
  },
  meta: RequestMeta,
): Promise<TransferView> {
  if (input.from_location_id === input.to_location_id) {
    throw badRequest("A transfer moves stock between two different locations.", [
      { path: "to_location_id", message: "Must differ from from_location_id" },
    ]);
  }
  const products = input.lines.map((l) => l.product_id);
  if (new Set(products).size !== products.length) {
    throw badRequest("Each product may appear on one line only.", [{ path: "lines", message: "Duplicate product" }]);
  }
  await Promise.all([
    requireLocations(db, [input.from_location_id, input.to_location_id]),
    requireProducts(db, products),
  ]);
  const now = nowIso();
  const row: TransferRow = {
    id: transferId,
    fromLocationId: input.from_location_id,
    toLocationId: input.to_location_id,
    status: "draft",
    note: input.note ?? null,
    createdBy: meta.actor?.id ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    shippedAt: null,
    receivedAt: null,
    cancelledAt: null,
    shipStartedAt: null,
  };
  const lines: TransferLineRow[] = input.lines.map((l, position) => ({
    transferId: row.id,
    productId: l.product_id,
    position,
    qty: l.qty,
    shipped: 0,
    received: 0,
    lost: 0,
  }));
  const view = toTransferView(row, lines);
  try {
    await runBatch(db, [
      db.insert(transfers).values(row),
      // Seven columns a line: fourteen lines per insert stay under D1's 100 bound parameters.
      ...chunks(lines, 14).map((part) => db.insert(transferLines).values(part)),
      auditInsert(db, meta, { action: "transfer.created", entityType: "transfer", entityId: row.id, after: view }),
    ]);
  } catch (err) {
    // A keyed retry whose first run committed: its id is taken by that draft.
    const [committed] = await db.select({ id: transfers.id }).from(transfers).where(eq(transfers.id, transferId));
    if (committed) return getTransfer(db, transferId);
    throw err;
  }
  return view;
}

export async function listTransfers(
  db: Database,
  query: {
    limit: number;
    cursor?: string | undefined;
    status?: TransferRow["status"] | undefined;
    from_location_id?: string | undefined;
    to_location_id?: string | undefined;
    product_id?: string | undefined;
  },
) {
  const where: SQL[] = [];
  if (query.status) where.push(eq(transfers.status, query.status));
  if (query.from_location_id) where.push(eq(transfers.fromLocationId, query.from_location_id));
  if (query.to_location_id) where.push(eq(transfers.toLocationId, query.to_location_id));
  if (query.product_id) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${transferLines} WHERE ${transferLines.transferId} = ${transfers.id} AND ${transferLines.productId} = ${query.product_id})`,
    );
  }
  if (query.cursor) where.push(olderThanCursor(transfers.createdAt, transfers.id, query.cursor));
  const rows = await db
    .select()
    .from(transfers)
    .where(and(...where))
    .orderBy(desc(transfers.createdAt), desc(transfers.id))
    .limit(query.limit + 1);
  const shown = rows.slice(0, query.limit);
  const linesOf = new Map<string, TransferLineRow[]>();
  for (const ids of chunks(
    shown.map((r) => r.id),
    IDS_PER_QUERY,
  )) {
    for (const line of await db
      .select()
      .from(transferLines)
      .where(inArray(transferLines.transferId, ids))
      .orderBy(transferLines.position)) {
      linesOf.set(line.transferId, [...(linesOf.get(line.transferId) ?? []), line]);
    }
  }
  return toPage(
    rows,
    query.limit,
    (r) => [r.createdAt, r.id],
    (r) => toTransferView(r, linesOf.get(r.id) ?? []),
  );
}
