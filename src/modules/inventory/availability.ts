import { inArray, type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { stockLevels } from "../../db/schema";

/**
 * Display availability from the D1 projection, for product pages and lists: it may
 * lag the objects by the projection delay, which is fine for showing and never used
 * to decide a sale. A product whose stock never moved has 0 available.
 */
export async function projectedAvailability(db: Database, productIds: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(productIds)];
  const available = new Map<string, number>(unique.map((id) => [id, 0]));
  // D1 caps bound parameters per statement at 100.
  for (let i = 0; i < unique.length; i += 90) {
    const rows = await db
      .select({ productId: stockLevels.productId, available: stockLevels.available })
      .from(stockLevels)
      .where(inArray(stockLevels.productId, unique.slice(i, i + 90)));
    for (const row of rows) available.set(row.productId, row.available);
  }
  return available;
}

/** SQL for "this product's projected availability is at or under its threshold", for list filters. */
export function lowStockCondition(productId: AnySQLiteColumn, threshold: AnySQLiteColumn): SQL {
  return sql`(${threshold} IS NOT NULL AND coalesce((SELECT ${stockLevels.available} FROM ${stockLevels} WHERE ${stockLevels.productId} = ${productId}), 0) <= ${threshold})`;
}
