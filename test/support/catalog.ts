import { asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { auditLogs, events } from "../../src/db/schema";
import type { CategoryResponse } from "../../src/modules/categories/schemas";
import type { ProductResponse } from "../../src/modules/products/schemas";
import { call } from "./http";

/** Catalog test helpers, shared by the categories, products, images, storefront and reviews tests. */

import { db } from "./db";

export { db };

export function unique(label = "x"): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A valid EAN-13 starting with `prefix`, the other digits random (a leading 0 makes it a UPC-A too). */
export function randomEan13(prefix = ""): string {
  const body = prefix + Array.from({ length: 12 - prefix.length }, () => Math.floor(Math.random() * 10)).join("");
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[11 - i]) * (i % 2 === 0 ? 3 : 1);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export async function createCategory(token: string, body: Record<string, unknown> = {}): Promise<CategoryResponse> {
  const res = await call<CategoryResponse>("POST", "/v1/categories", {
    token,
    body: { name: unique("Category"), ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export async function createProduct(token: string, body: Record<string, unknown> = {}): Promise<ProductResponse> {
  const res = await call<ProductResponse>("POST", "/v1/products", {
    token,
    body: { sku: unique("SKU").toUpperCase(), name: unique("Product"), price: 1999, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

export async function transition(token: string, id: string, action: string, headers: Record<string, string> = {}) {
  return call<ProductResponse>("POST", `/v1/products/${id}/${action}`, { token, headers });
}

export async function publishedProduct(token: string, body: Record<string, unknown> = {}): Promise<ProductResponse> {
  const product = await createProduct(token, body);
  const res = await transition(token, product.id, "publish");
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The outbox rows of a resource, oldest first. */
export async function eventsOf(resourceId: string) {
  return db
    .select({ type: events.type, data: events.data })
    .from(events)
    .where(eq(events.resourceId, resourceId))
    .orderBy(asc(events.createdAt), asc(events.id));
}

export async function auditOf(entityId: string) {
  return db
    .select({ action: auditLogs.action, before: auditLogs.before, after: auditLogs.after })
    .from(auditLogs)
    .where(eq(auditLogs.entityId, entityId))
    .orderBy(asc(auditLogs.id));
}
