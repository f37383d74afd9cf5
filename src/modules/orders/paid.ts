import { and, eq, inArray, sql } from "drizzle-orm";
import { guard } from "../../db/batch";
import type { Database } from "../../db/client";
import { orderLines, orders, PAID_STATUSES, refundLines, refunds } from "../../db/schema";
import { linesQuery } from "./store";

/**
 * What documents of a sale (invoices, credit notes) need from an order, so they never
 * read the orders module's tables or decide themselves which statuses count as paid.
 */

/** The order with its lines if it was paid and not cancelled; null otherwise. One D1 round trip. */
export async function paidOrder(db: Database, orderId: string) {
  const [[order], lines] = await db.batch([
    db
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), inArray(orders.status, [...PAID_STATUSES])))
      .limit(1),
    linesQuery(db, orderId),
  ]);
  return order ? { order, lines } : null;
}

/** A batch guard: the rest of the batch applies only while the order is still paid (a cancellation may race it). */
export function stillPaid(db: Database, orderId: string) {
  return guard(
    db,
    sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${orderId} AND ${inArray(orders.status, [...PAID_STATUSES])})`,
  );
}

/**
 * A refund with its lines at the prices of the sale (sku, name and unit price from the
 * order line), in line order. One D1 round trip: the lines find their order through the refund.
 */
export async function refundOf(db: Database, refundId: string) {
  const [[refund], lines] = await db.batch([
    db.select().from(refunds).where(eq(refunds.id, refundId)).limit(1),
    db
      .select({
        productId: refundLines.productId,
        qty: refundLines.qty,
        amount: refundLines.amount,
        restock: refundLines.restock,
        sku: orderLines.sku,
        name: orderLines.name,
        unitPrice: orderLines.unitPrice,
      })
      .from(refundLines)
      .innerJoin(refunds, eq(refunds.id, refundLines.refundId))
      .innerJoin(
        orderLines,
        and(eq(orderLines.orderId, refunds.orderId), eq(orderLines.productId, refundLines.productId)),
      )
      .where(eq(refundLines.refundId, refundId))
      .orderBy(orderLines.position),
  ]);
  return refund ? { refund, lines } : null;
}
