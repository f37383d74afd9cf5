import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { products, stockLevels, stockLocationLevels } from "../../db/schema";
import { decodeCursor, toPage } from "../../lib/pagination";

/** States a list can be filtered by: products with units in that state. */
export const LISTED_STATES = ["reserved", "damaged", "quarantine", "incoming", "out"] as const;
export type ListedState = (typeof LISTED_STATES)[number];

/**
 * The "current inventory" list, read from the D1 projection. It is a
 * read-only report, so it joins the catalog's products directly: every product is
 * listed, with zeros for one whose stock object has never moved. With `location_id`
 * the numbers are that location's; otherwise the product's totals. Levels here can lag
 * the objects by the projection delay; decisions read the objects instead.
 */
export async function listCurrentInventory(
  db: Database,
  filter: {
    limit: number;
    cursor?: string | undefined;
    low_stock?: boolean | undefined;
    product_id?: string[] | undefined;
    category_id?: string | undefined;
    location_id?: string | undefined;
    state?: ListedState | undefined;
  },
) {
  // The same bucket columns exist in both tables: the location's row, or the product's total.
  const t = filter.location_id ? stockLocationLevels : stockLevels;
  const joined = filter.location_id
    ? and(eq(stockLocationLevels.productId, products.id), eq(stockLocationLevels.locationId, filter.location_id))
    : eq(stockLevels.productId, products.id);
  const where: SQL[] = [];
  // Low means available at or under the catalog's threshold; a product never stocked has 0 available.
  const isLow = sql`(${products.lowStockThreshold} IS NOT NULL AND coalesce(${t.available}, 0) <= ${products.lowStockThreshold})`;
  if (filter.low_stock !== undefined) where.push(filter.low_stock ? isLow : sql`NOT ${isLow}`);
  if (filter.state) where.push(gt(t[filter.state], 0));
  if (filter.product_id) where.push(inList(products.id, filter.product_id));
  if (filter.category_id) where.push(eq(products.categoryId, filter.category_id));
  if (filter.cursor) where.push(gt(products.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select({
      productId: products.id,
      sku: products.sku,
      name: products.name,
      threshold: products.lowStockThreshold,
      onHand: t.onHand,
      reserved: t.reserved,
      damaged: t.damaged,
      quarantine: t.quarantine,
      safetyStock: t.safetyStock,
      incoming: t.incoming,
      out: t.out,
      available: t.available,
      version: t.version,
      isLow: sql<number>`${isLow}`,
      updatedAt: t.updatedAt,
    })
    .from(products)
    .leftJoin(t, joined)
    .where(and(...where))
    .orderBy(asc(products.id))
    .limit(filter.limit + 1);
  return toPage(
    rows,
    filter.limit,
    (r) => [r.productId],
    (r) => ({
      product_id: r.productId,
      sku: r.sku,
      name: r.name,
      location_id: filter.location_id ?? null,
      on_hand: r.onHand ?? 0,
      reserved: r.reserved ?? 0,
      damaged: r.damaged ?? 0,
      quarantine: r.quarantine ?? 0,
      safety_stock: r.safetyStock ?? 0,
      incoming: r.incoming ?? 0,
      out: r.out ?? 0,
      available: r.available ?? 0,
      version: r.version ?? 0,
      low_stock_threshold: r.threshold,
      low_stock: Boolean(r.isLow),
      updated_at: r.updatedAt ?? null,
    }),
  );
}
