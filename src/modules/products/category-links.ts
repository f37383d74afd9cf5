import { count, eq, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { products } from "../../db/schema";
import { nowIso } from "../../lib/time";

/** How many products, in any status, sit in the category. */
export async function countProductsInCategory(db: Database, categoryId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(products).where(eq(products.categoryId, categoryId));
  return row?.n ?? 0;
}

/**
 * Moves every product of one category to another, for the category's deletion batch.
 * Each moved product gets a new version, so stale `If-Match` edits and
 * `updated_since` syncs notice the change.
 */
export function moveCategoryProducts(db: Database, fromCategoryId: string, toCategoryId: string): Statement {
  return db
    .update(products)
    .set({ categoryId: toCategoryId, version: sql`${products.version} + 1`, updatedAt: nowIso() })
    .where(eq(products.categoryId, fromCategoryId));
}
