import type { productImages, products } from "../../db/schema";
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
