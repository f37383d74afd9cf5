/*
 * Reads of products for the staff API, the storefront and other modules. Responses
 * carry their images, read for a whole page in one go.
 */
import { and, asc, eq, inArray, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { type ProductStatus, productImages, products } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { projectedAvailability } from "../stock";
import { barcodeKey } from "./barcode";
import type { ProductResponse } from "./schemas";
import { type ImageRow, type ProductRow, toProductResponse } from "./view";

export async function getProduct(db: Database, id: string, origin: string): Promise<ProductResponse> {
  const row = await loadProductRow(db, id);
  const [product] = await withImages(db, origin, [row]);
  if (!product) throw notFound("Product");
  return product;
}

/** Point-of-sale lookup: a UPC-A scan finds the product stored with its EAN-13, and so on. */
export async function getProductByBarcode(db: Database, code: string, origin: string): Promise<ProductResponse> {
  const [row] = await db
    .select()
    .from(products)
    .where(eq(products.barcodeKey, barcodeKey(code.trim())))
    .limit(1);
  if (!row) throw notFound("Product with this barcode");
  const [product] = await withImages(db, origin, [row]);
  if (!product) throw notFound("Product with this barcode");
  return product;
}

/** Maps rows of a page to responses with their images and display availability, each read in one go. */
export async function withImages(db: Database, origin: string, rows: ProductRow[]): Promise<ProductResponse[]> {
  const ids = rows.map((r) => r.id);
  const [images, available] = await Promise.all([imagesByProduct(db, ids), projectedAvailability(db, ids)]);
  return rows.map((row) => toProductResponse(origin, row, images.get(row.id) ?? [], available.get(row.id) ?? 0));
}

/** A product's status, or null when there is no such product. */
export async function productStatusOf(db: Database, id: string): Promise<ProductStatus | null> {
  const [row] = await db.select({ status: products.status }).from(products).where(eq(products.id, id)).limit(1);
  return row?.status ?? null;
}

/** Which of these ids are published products (what anyone but staff may see). */
export async function publishedProductIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: products.id })
    .from(products)
    .where(and(inList(products.id, ids), eq(products.status, "published")));
  return new Set(rows.map((r) => r.id));
}

export async function loadProductRow(db: Database, id: string): Promise<ProductRow> {
  const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1);
  if (!row) throw notFound("Product");
  return row;
}

export async function imagesOf(db: Database, productId: string): Promise<ImageRow[]> {
  return db
    .select()
    .from(productImages)
    .where(eq(productImages.productId, productId))
    .orderBy(asc(productImages.position), asc(productImages.id));
}

/** One product's images in display order, by a product-id subquery, for the caller's batch. */
export function imagesOfQuery(db: Database, productId: SQLWrapper) {
  return db
    .select()
    .from(productImages)
    .where(inArray(productImages.productId, productId))
    .orderBy(asc(productImages.position), asc(productImages.id));
}

/** The images of a page of products, grouped by product id, in one query. */
export async function imagesByProduct(db: Database, productIds: string[]): Promise<Map<string, ImageRow[]>> {
  const grouped = new Map<string, ImageRow[]>();
  if (productIds.length === 0) return grouped;
  const rows = await db
    .select()
    .from(productImages)
    .where(inList(productImages.productId, productIds))
    .orderBy(asc(productImages.position), asc(productImages.id));
  for (const row of rows) {
    const list = grouped.get(row.productId) ?? [];
    list.push(row);
    grouped.set(row.productId, list);
  }
  return grouped;
}
