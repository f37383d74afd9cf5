import { asc, eq, inArray, type SQLWrapper } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { productImages, products } from "../../db/schema";
import { notFound } from "../../lib/errors";
import type { ProductResponse } from "./schemas";

export type ProductRow = typeof products.$inferSelect;
export type ImageRow = typeof productImages.$inferSelect;

/** The public URL of an image: the `GET /v1/images/{key}` route on the caller's origin. */
export function imageUrl(origin: string, key: string): string {
  return `${origin}/v1/images/${key}`;
}

export function toImageResponse(origin: string, image: ImageRow) {
  return {
    id: image.id,
    url: imageUrl(origin, image.key),
    alt: image.alt,
    width: image.width,
    height: image.height,
    position: image.position,
  };
}

/**
 * `available` comes from the stock projection on reads; responses to writes pass
 * null (not read there), and clients read the product or its stock for the figure.
 */
export function toProductResponse(
  origin: string,
  row: ProductRow,
  images: ImageRow[],
  available: number | null = null,
): ProductResponse {
  return {
    id: row.id,
    sku: row.sku,
    barcode: row.barcode,
    name: row.name,
    slug: row.slug,
    description: row.description,
    price: row.price,
    compare_at_price: row.compareAtPrice,
    unit_cost: row.unitCost,
    category_id: row.categoryId,
    attributes: row.attributes,
    low_stock_threshold: row.lowStockThreshold,
    status: row.status,
    version: row.version,
    published_at: row.publishedAt,
    first_published_at: row.firstPublishedAt,
    rating_average: row.ratingAverage,
    rating_count: row.ratingCount,
    in_stock: available === null ? null : available > 0,
    available,
    images: images.map((image) => toImageResponse(origin, image)),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
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
