import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { orderLines, orders } from "../../db/schema";

/**
 * Whether a customer bought a product: an order of theirs with a line of it was paid
 * (processing, completed or refunded; a cancelled order was never a purchase). This is
 * what a review's `verified_purchase` stands for. Reviews written before the payment
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
        inArray(orders.status, ["processing", "completed", "refunded"]),
      ),
    )
    .limit(1);
  return row !== undefined;
}
