import { and, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ProductStatus, products } from "../../db/schema";
import { chunks, IDS_PER_QUERY } from "../../lib/chunks";

export interface ProductForStock {
  id: string;
  sku: string;
  name: string;
  status: ProductStatus;
  price: number | null;
  categoryId: string | null;
  lowStockThreshold: number | null;
}

/** The catalog facts other modules (inventory, orders) need about products, by id. */
export async function findProductsForStock(db: Database, ids: string[]): Promise<Map<string, ProductForStock>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, ProductForStock>();
  for (const ids of chunks(unique, IDS_PER_QUERY)) {
    const rows = await db
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        status: products.status,
        price: products.price,
        categoryId: products.categoryId,
        lowStockThreshold: products.lowStockThreshold,
      })
      .from(products)
      .where(inArray(products.id, ids));
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/**
 * Records that an order first named these products, for the caller's batch: the catalog
 * lets a product be deleted only while nobody has ordered it.
 */
export function markProductsOrdered(db: Database, ids: string[], at: string) {
  return db
    .update(products)
    .set({ firstOrderedAt: at })
    .where(and(isNull(products.firstOrderedAt), inArray(products.id, ids)));
}
