/*
 * The storefront: what anonymous shoppers and publishable keys may read. Only
 * published products exist here (a draft or archived id or slug is simply not found),
 * and only the shopper-facing fields leave (see StoreProductSchema). Filters and
 * sorts are the staff ones minus status and updated_since.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { products } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { allCategories, buildTree, categoryIdBySlug, type TreeNode } from "../categories";
import { imagesOfQuery, type ProductResponse, searchProducts, toProductResponse, withImages } from "../products";
import { readSettings } from "../settings";
import { availabilityOfQuery } from "../stock";
import type { StoreCategory, StoreProduct, StoreSettings } from "./schemas";

type StoreQuery = Omit<Parameters<typeof searchProducts>[1], "status" | "updated_since" | "low_stock"> & {
  category?: string | undefined;
};

function toStoreProduct(p: ProductResponse): StoreProduct {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    sku: p.sku,
    price: p.price ?? 0, // publishing requires a price, and it cannot be cleared while published
    compare_at_price: p.compare_at_price,
    category_id: p.category_id,
    attributes: p.attributes,
    images: p.images,
    rating_average: p.rating_average,
    rating_count: p.rating_count,
    in_stock: p.in_stock,
    available: p.available,
    published_at: p.published_at ?? p.updated_at,
    updated_at: p.updated_at,
  };
}

export async function listStoreProducts(db: Database, query: StoreQuery, origin: string) {
  const { category, ...search } = query;
  let categoryId = search.category_id;
  if (category !== undefined) {
    const id = await categoryIdBySlug(db, category);
    if (id === null) return { data: [], next_cursor: null };
    categoryId = id;
  }
  const page = await searchProducts(db, { ...search, category_id: categoryId, status: "published" });
  const data = await withImages(db, origin, page.rows);
  return { data: data.map(toStoreProduct), next_cursor: page.nextCursor };
}

/** The id of the published product with this (lower-case) slug, or null. */
export async function publishedProductIdBySlug(db: Database, slug: string): Promise<string | null> {
  const [row] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.slug, slug), eq(products.status, "published")))
    .limit(1);
  return row?.id ?? null;
}

/**
 * One published product with its images and availability, in one D1 round trip: the
 * images and the stock row are read in the same batch, only for a published product.
 */
export async function getStoreProduct(db: Database, id: string, origin: string): Promise<StoreProduct> {
  const match = and(eq(products.id, id), eq(products.status, "published"));
  const productId = db.select({ id: products.id }).from(products).where(match).limit(1);
  const [rows, images, stock] = await db.batch([
    db.select().from(products).where(match).limit(1),
    imagesOfQuery(db, productId),
    availabilityOfQuery(db, productId),
  ]);
  const [row] = rows;
  if (!row) throw notFound("Product");
  return toStoreProduct(toProductResponse(origin, row, images, stock[0]?.available ?? 0));
}

export async function storeCategoryTree(db: Database): Promise<{ data: StoreCategory[] }> {
  const toNode = (node: TreeNode<Awaited<ReturnType<typeof allCategories>>[number]>): StoreCategory => ({
    id: node.item.id,
    name: node.item.name,
    slug: node.item.slug,
    position: node.item.position,
    children: node.children.map(toNode),
  });
  return { data: buildTree(await allCategories(db)).map(toNode) };
}

/** The public part of the store settings, read as stored (the answer is cached beyond this request). */
export async function storeSettings(db: Database): Promise<StoreSettings> {
  const s = await readSettings(db);
  return {
    currency: s.currency,
    tax_rate_bps: s.tax_rate_bps,
    reservation_ttl_minutes: s.reservation_ttl_minutes,
    return_window_days: s.return_window_days,
    max_units_per_product_per_order: s.max_units_per_product_per_order,
    max_open_orders_per_customer: s.max_open_orders_per_customer,
  };
}
