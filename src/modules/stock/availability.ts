import { and, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { stockLevels, stockLocationLevels } from "../../db/schema";
import { isFulfillingLocation } from "../locations";

/**
 * One product's projected availability at the locations that fulfil orders (one row), by a
 * product-id subquery, for the caller's batch.
 */
export function availabilityOfQuery(db: Database, productId: SQLWrapper) {
  const l = stockLocationLevels;
  return db
    .select({ available: sql<number>`coalesce(sum(${l.available}), 0)` })
    .from(l)
    .where(and(inArray(l.productId, productId), isFulfillingLocation(l.locationId)));
}

/**
 * Display availability from the D1 projection, for product pages and lists: it may
 * lag the objects by the projection delay, which is fine for showing and never used
 * to decide a sale. It is what the storefront can sell: the sum over the active
 * locations that fulfil orders. A product whose stock never moved has 0 available.
 */
export async function projectedAvailability(db: Database, productIds: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(productIds)];
  const available = new Map<string, number>(unique.map((id) => [id, 0]));
  if (unique.length === 0) return available;
  const l = stockLocationLevels;
  const rows = await db
    .select({ productId: l.productId, available: sql<number>`sum(${l.available})` })
    .from(l)
    .where(and(inList(l.productId, unique), isFulfillingLocation(l.locationId)))
    .groupBy(l.productId);
  for (const row of rows) available.set(row.productId, row.available);
  return available;
}

/** SQL for "this product's projected availability is at or under its threshold", for list filters. */
export function lowStockCondition(productId: AnySQLiteColumn, threshold: AnySQLiteColumn): SQL {
  return sql`(${threshold} IS NOT NULL AND coalesce((SELECT ${stockLevels.available} FROM ${stockLevels} WHERE ${stockLevels.productId} = ${productId}), 0) <= ${threshold})`;
}
