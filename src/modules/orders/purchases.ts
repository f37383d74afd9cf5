import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { orderLines, orders, PAID_STATUSES } from "../../db/schema";

/**
 * Whether a customer bought a product: an order of theirs with a line of it was paid
 * (a cancelled order was never a purchase). This is what a review's `verified_purchase`
 * stands for. Reviews written before the payment
 * are marked in the payment's own batch (payment.ts); the reviews module asks this when
 * a review is written.
 */
export async function hasPurchased(db: Database, customerId: string, productId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: orders.id })
    .from(orders)
    .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
    .where(
      and(
        eq(orders.customerId, customerId),
        eq(orderLines.productId, productId),
        inArray(orders.status, [...PAID_STATUSES]),
      ),
    )
    .limit(1);
  return row !== undefined;
}
