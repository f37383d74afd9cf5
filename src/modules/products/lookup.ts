import { and, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList, selectInPieces } from "../../db/lists";
import { type ProductStatus, products } from "../../db/schema";

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
  const found = new Map<string, ProductForStock>();
  if (ids.length === 0) return found;
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
    .where(inList(products.id, [...new Set(ids)]));
  for (const row of rows) found.set(row.id, row);
  return found;
}

/** Which of these products exist (their ids), as a query a caller can put in a batch. */
export function existingProductsQuery(db: Database, ids: readonly string[]) {
  return db
    .select({ id: products.id })
    .from(products)
    .where(inList(products.id, [...new Set(ids)]));
}

/**
 * Records that an order first named these products, for the caller's batch: the catalog
 * lets a product be deleted only while nobody has ordered it.
 */
export function markProductsOrdered(db: Database, ids: string[], at: string) {
  return db
    .update(products)
    .set({ firstOrderedAt: at })
    .where(and(isNull(products.firstOrderedAt), inList(products.id, ids)));
}

export interface ProductBySku {
  id: string;
  sku: string;
  status: ProductStatus;
  price: number | null;
  compareAtPrice: number | null;
}

/** The products with these SKUs, by SKU: what a bulk write (an import) matches its rows to. */
export async function findProductsBySku(db: Database, skus: readonly string[]): Promise<Map<string, ProductBySku>> {
  const rows = await selectInPieces(skus, (piece) =>
    db
      .select({
        id: products.id,
        sku: products.sku,
        status: products.status,
        price: products.price,
        compareAtPrice: products.compareAtPrice,
      })
      .from(products)
      .where(inList(products.sku, piece)),
  );
  return new Map(rows.map((row) => [row.sku, row]));
}

/** The SKU of the product holding each of these barcode keys. */
export async function barcodeHolders(db: Database, keys: readonly string[]): Promise<Map<string, string>> {
  const rows = await selectInPieces(keys, (piece) =>
    db.select({ key: products.barcodeKey, sku: products.sku }).from(products).where(inList(products.barcodeKey, piece)),
  );
  return new Map(rows.map((row) => [String(row.key), row.sku]));
}
