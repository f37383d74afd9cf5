import { eq, type SQL, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { products } from "../../db/schema";

/**
 * Recomputes a product's `rating_count` and `rating_average` from `approvedRatings`
 * (a subquery yielding one `rating` per approved review), inside the batch that
 * changed the reviews. Recomputing rather than adjusting keeps the figures exact
 * whatever order moderations land in. Ratings are derived data: the product's
 * version and `updated_at` stay as they are.
 */
export function recomputeRating(db: Database, productId: string, approvedRatings: SQL): Statement {
  return db
    .update(products)
    .set({
      ratingCount: sql`(SELECT count(*) FROM (${approvedRatings}))`,
      ratingAverage: sql`(SELECT round(avg(rating), 2) FROM (${approvedRatings}))`,
    })
    .where(eq(products.id, productId));
}
