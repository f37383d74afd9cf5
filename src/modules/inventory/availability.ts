import { inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { stockLevels } from "../../db/schema";

/** One product's projected availability (0 or 1 rows), by a product-id subquery, for the caller's batch. */
export function availabilityOfQuery(db: Database, productId: SQLWrapper) {
  return db
    .select({ available: stockLevels.available })
    .from(stockLevels)
    .where(inArray(stockLevels.productId, productId));
}

/**
 * Display availability from the D1 projection, for product pages and lists: it may
 * lag the objects by the projection delay, which is fine for showing and never used
 * to decide a sale. A product whose stock never moved has 0 available.
 */
export async function projectedAvailability(db: Database, productIds: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(productIds)];
  const available = new Map<string, number>(unique.map((id) => [id, 0]));
  if (unique.length === 0) return available;
  const rows = await db
    .select({ productId: stockLevels.productId, available: stockLevels.available })
    .from(stockLevels)
    .where(inList(stockLevels.productId, unique));
  for (const row of rows) available.set(row.productId, row.available);
  return available;
}

/** SQL for "this product's projected availability is at or under its threshold", for list filters. */
export function lowStockCondition(productId: AnySQLiteColumn, threshold: AnySQLiteColumn): SQL {
  return sql`(${threshold} IS NOT NULL AND coalesce((SELECT ${stockLevels.available} FROM ${stockLevels} WHERE ${stockLevels.productId} = ${productId}), 0) <= ${threshold})`;
}
