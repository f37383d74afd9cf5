import { type ProductStatus, products } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { db } from "./db";

export interface TestProduct {
  id: string;
  sku: string;
  price: number;
}

/**
 * A product inserted straight into D1, for tests of modules downstream of the catalog
 * (inventory, orders) that need products but are not testing how they are created.
 */
export async function insertProduct(
  overrides: {
    status?: ProductStatus;
    price?: number;
    lowStockThreshold?: number | null;
    categoryId?: string | null;
  } = {},
): Promise<TestProduct> {
  const id = newId("prd");
  const suffix = id.slice(-10);
  const now = new Date().toISOString();
  const price = overrides.price ?? 1250;
  await db.insert(products).values({
    id,
    sku: `SKU-${suffix}`,
    name: `Test product ${suffix}`,
    slug: `test-product-${suffix}`,
    description: "",
    price,
    attributes: {},
    status: overrides.status ?? "published",
    lowStockThreshold: overrides.lowStockThreshold ?? null,
    categoryId: overrides.categoryId ?? null,
    publishedAt: overrides.status === "draft" ? null : now,
    firstPublishedAt: overrides.status === "draft" ? null : now,
    createdAt: now,
    updatedAt: now,
  });
  return { id, sku: `SKU-${suffix}`, price };
}
