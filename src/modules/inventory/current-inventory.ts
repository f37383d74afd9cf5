import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { products, stockLevels } from "../../db/schema";
import { decodeCursor, toPage } from "../../lib/pagination";

/**
 * The "current inventory" list, read from the D1 projection. It is a
 * read-only report, so it joins the catalog's products directly: every product is
 * listed, with zeros for one whose stock object has never moved. Levels here can lag
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
  },
) {
  const where: SQL[] = [];
  // Low means available at or under the catalog's threshold; a product never stocked has 0 available.
  const isLow = sql`(${products.lowStockThreshold} IS NOT NULL AND coalesce(${stockLevels.available}, 0) <= ${products.lowStockThreshold})`;
  if (filter.low_stock !== undefined) where.push(filter.low_stock ? isLow : sql`NOT ${isLow}`);
  if (filter.product_id) where.push(inList(products.id, filter.product_id));
  if (filter.category_id) where.push(eq(products.categoryId, filter.category_id));
  if (filter.cursor) where.push(gt(products.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select({
      productId: products.id,
      sku: products.sku,
      name: products.name,
      threshold: products.lowStockThreshold,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
      available: stockLevels.available,
      version: stockLevels.version,
      isLow: sql<number>`${isLow}`,
      updatedAt: stockLevels.updatedAt,
    })
    .from(products)
    .leftJoin(stockLevels, eq(stockLevels.productId, products.id))
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
      on_hand: r.onHand ?? 0,
      reserved: r.reserved ?? 0,
      available: r.available ?? 0,
      version: r.version ?? 0,
      low_stock_threshold: r.threshold,
      low_stock: Boolean(r.isLow),
      updated_at: r.updatedAt ?? null,
    }),
  );
}
