import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { reviews } from "../../db/schema";

/**
 * Marks a customer's reviews of these products as verified purchases, for the batch
 * that records the payment: reviews written before paying get the badge as it lands.
 */
export function markPurchasesVerified(db: Database, customerId: string, productIds: string[]) {
  return db
    .update(reviews)
    .set({ verifiedPurchase: true })
    .where(
      and(eq(reviews.authorId, customerId), eq(reviews.verifiedPurchase, false), inList(reviews.productId, productIds)),
    );
}
