import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { createDb } from "../../../src/db/client";
import { events } from "../../../src/db/schema";
import { newId } from "../../../src/lib/ids";
import { stockObject } from "../../../src/modules/inventory/stock";
import { runOrderPipelineForEvent } from "../../../src/modules/orders/pipeline";
import type { OrderDetail } from "../../../src/modules/orders/schemas";
import { orderDeps } from "../../../src/modules/orders/store";
import { call } from "../../support/http";
import { insertProduct, type TestProduct } from "../../support/products";

export const db = () => createDb(env.DB);
export const deps = () => orderDeps(env, db());

/** A published product with `qty` units on the shelf. */
export async function stockedProduct(qty: number, price = 1250): Promise<TestProduct> {
  const product = await insertProduct({ price });
  if (qty > 0) {
    const result = await stockObject(env.INVENTORY, product.id).adjust({
      product_id: product.id,
      movement_id: newId("mov"),
      delta: qty,
      reason: "received",
    });
    if (!result.ok) throw new Error(`stocking failed: ${JSON.stringify(result)}`);
  }
  return product;
}

export function level(productId: string) {
  return stockObject(env.INVENTORY, productId).snapshot(productId);
}

export function ledger(productId: string) {
  return stockObject(env.INVENTORY, productId).ledger({ limit: 100 });
}

export const key = () => crypto.randomUUID();

export interface Line {
  product_id: string;
  qty: number;
}

export function checkout(token: string, body: Record<string, unknown>, idempotencyKey = key()) {
  return call<OrderDetail & { code?: string; lines: unknown }>("POST", "/v1/orders", {
    token,
    headers: { "idempotency-key": idempotencyKey },
    body,
  });
}

export function pay(token: string, orderId: string, body: Record<string, unknown> = { provider: "manual", method: "card" }) {
  return call<OrderDetail>("POST", `/v1/orders/${orderId}/pay`, { token, body });
}

export function act(token: string, orderId: string, action: "fulfil" | "cancel", body?: Record<string, unknown>) {
  return call<OrderDetail>("POST", `/v1/orders/${orderId}/${action}`, body === undefined ? { token } : { token, body });
}

export function refund(token: string, orderId: string, body: Record<string, unknown>, idempotencyKey = key()) {
  return call<OrderDetail>("POST", `/v1/orders/${orderId}/refund`, {
    token,
    headers: { "idempotency-key": idempotencyKey },
    body,
  });
}

export function getOrder(token: string, orderId: string) {
  return call<OrderDetail>("GET", `/v1/orders/${orderId}`, { token });
}

/** Runs the order pipeline over every event of the order so far, as the EVENTS consumer would. */
export async function drainOrderEvents(orderId: string): Promise<string[]> {
  const rows = await db()
    .select({ id: events.id, type: events.type })
    .from(events)
    .where(eq(events.resourceId, orderId))
    .orderBy(asc(events.createdAt), asc(events.id));
  for (const row of rows) await runOrderPipelineForEvent(env, row.id);
  return rows.map((r) => r.type);
}

/** Round half up of subtotal × bps / 10000, computed independently of the code under test. */
export function expectedTax(subtotal: number, bps: number): number {
  const exact = (subtotal * bps) / 10000;
  return Math.floor(exact + 0.5 + 1e-9);
}
