import { asc, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { inList, selectInPieces } from "../../db/lists";
import { orderLines, orders, returnLines, returnReceipts, returns } from "../../db/schema";
import { notFound } from "../../lib/errors";
import type { ReturnView } from "./schemas";

export type ReturnRow = typeof returns.$inferSelect;
export type ReturnLineRow = typeof returnLines.$inferSelect;
export type ReceiptRow = typeof returnReceipts.$inferSelect;

export interface LoadedReturn {
  ret: ReturnRow;
  lines: ReturnLineRow[];
  receipts: ReceiptRow[];
}

export function isCustomer(actor: Actor | null): boolean {
  return actor?.kind === "user" && actor.role === "customer";
}

/** Customers see the returns of their own orders only; anyone else's is "not found", so ids leak nothing. */
export function assertVisible(actor: Actor | null, ret: ReturnRow | undefined): asserts ret is ReturnRow {
  if (!ret) throw notFound("Return");
  if (isCustomer(actor) && ret.customerId !== actor?.id) throw notFound("Return");
}

export async function loadReturn(db: Database, id: string, actor: Actor | null): Promise<LoadedReturn> {
  const [[ret], lines, receipts] = await db.batch([
    db.select().from(returns).where(eq(returns.id, id)).limit(1),
    db.select().from(returnLines).where(eq(returnLines.returnId, id)).orderBy(asc(returnLines.position)),
    db.select().from(returnReceipts).where(eq(returnReceipts.returnId, id)).orderBy(asc(returnReceipts.position)),
  ]);
  assertVisible(actor, ret);
  return { ret, lines, receipts };
}

/** The views of many returns in three queries (their lines with the sold names and prices, their receipts). */
export async function returnViews(db: Database, rows: ReturnRow[]): Promise<ReturnView[]> {
  if (rows.length === 0) return [];
  // A page holds up to 200 returns: each id list is one bound JSON parameter.
  const ids = rows.map((r) => r.id);
  const orderIds = [...new Set(rows.map((r) => r.orderId))];
  const [lines, receipts, sold, currencies] = await Promise.all([
    selectInPieces(ids, (part) =>
      db.select().from(returnLines).where(inList(returnLines.returnId, part)).orderBy(asc(returnLines.position)),
    ),
    selectInPieces(ids, (part) =>
      db
        .select()
        .from(returnReceipts)
        .where(inList(returnReceipts.returnId, part))
        .orderBy(asc(returnReceipts.position)),
    ),
    selectInPieces(orderIds, (part) => db.select().from(orderLines).where(inList(orderLines.orderId, part))),
    selectInPieces(orderIds, (part) =>
      db.select({ id: orders.id, currency: orders.currency }).from(orders).where(inList(orders.id, part)),
    ),
  ]);
  const soldOf = new Map(sold.map((l) => [`${l.orderId} ${l.productId}`, l]));
  const currencyOf = new Map(currencies.map((o) => [o.id, o.currency]));
  return rows.map((ret) =>
    toReturnView(
      ret,
      currencyOf.get(ret.orderId) ?? "",
      lines.filter((l) => l.returnId === ret.id),
      receipts.filter((r) => r.returnId === ret.id),
      soldOf,
    ),
  );
}

export function toReturnView(
  ret: ReturnRow,
  currency: string,
  lines: ReturnLineRow[],
  receipts: ReceiptRow[],
  soldOf: Map<string, typeof orderLines.$inferSelect>,
): ReturnView {
  return {
    id: ret.id,
    order_id: ret.orderId,
    customer_id: ret.customerId,
    status: ret.status,
    note: ret.note,
    decision_reason: ret.decisionReason,
    refund_id: ret.refundId,
    restocking_fee: ret.restockingFee,
    currency,
    lines: lines.map((l) => {
      const line = soldOf.get(`${ret.orderId} ${l.productId}`);
      return {
        product_id: l.productId,
        sku: line?.sku ?? "",
        name: line?.name ?? "",
        unit_price: line?.unitPrice ?? 0,
        qty: l.qty,
        reason: l.reason,
        received: receipts
          .filter((r) => r.productId === l.productId)
          .map((r) => ({ qty: r.qty, condition: r.condition, location_id: r.locationId, movement_id: r.movementId })),
      };
    }),
    version: ret.version,
    created_at: ret.createdAt,
    approved_at: ret.approvedAt,
    rejected_at: ret.rejectedAt,
    received_at: ret.receivedAt,
    refunded_at: ret.refundedAt,
    closed_at: ret.closedAt,
    updated_at: ret.updatedAt,
  };
}
