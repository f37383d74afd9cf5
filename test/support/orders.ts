import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "../../src/context";
import type { Database } from "../../src/db/client";
import { events } from "../../src/db/schema";
import type { InventoryDO } from "../../src/durable/inventory/object";
import type { OrderDetail } from "../../src/flows/order-api/detail";
import { runOrderPipelineForEvent } from "../../src/flows/order-pipeline";
import { newId } from "../../src/lib/ids";
import type { RequestMeta } from "../../src/modules/audit/service";
import { placeOrder } from "../../src/modules/orders/checkout";
import { orderDeps } from "../../src/modules/orders/store";
import type { PaymentProvider } from "../../src/modules/payments/provider";
import { stockObject } from "../../src/modules/stock";
import { db } from "./db";
import { call } from "./http";
import { insertProduct, type TestProduct } from "./products";
import { runQueue } from "./queues";

export { db, runQueue };
export const deps = () => orderDeps(env, db);

/** A published product with `qty` units on the shelf. */
export async function stockedProduct(qty: number, price = 1250): Promise<TestProduct> {
  const product = await insertProduct({ price });
  if (qty > 0) {
    const result = await stockObject(env.INVENTORY, product.id).adjust({
      movement_id: newId("mov"),
      delta: qty,
      reason: "received",
    });
    if (!result.ok) throw new Error(`stocking failed: ${JSON.stringify(result)}`);
  }
  return product;
}

export function level(productId: string) {
  return stockObject(env.INVENTORY, productId).snapshot();
}

export function ledger(productId: string) {
  return stockObject(env.INVENTORY, productId).ledger({ limit: 100 });
}

export const key = () => crypto.randomUUID();

export interface Line {
  product_id: string;
  qty: number;
}

/** Checks out through the service (no HTTP) and returns the order it created. */
export async function placedOrder(...args: Parameters<typeof placeOrder>) {
  const placed = await placeOrder(...args);
  if (placed.kind !== "created") throw new Error(`expected a new order, got the existing ${placed.orderId}`);
  return placed.order;
}

export function checkout(token: string, body: Record<string, unknown>, idempotencyKey = key()) {
  return call<OrderDetail & { code?: string; lines: unknown }>("POST", "/v1/orders", {
    token,
    headers: { "idempotency-key": idempotencyKey },
    body,
  });
}

export function pay(
  token: string,
  orderId: string,
  body: Record<string, unknown> = { provider: "manual", method: "card" },
) {
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
  const rows = await db
    .select({ id: events.id, type: events.type })
    .from(events)
    .where(eq(events.resourceId, orderId))
    .orderBy(asc(events.createdAt), asc(events.id));
  for (const row of rows) await runOrderPipelineForEvent(env, { event_id: row.id, type: row.type });
  return rows.map((r) => r.type);
}

/** Round half up of subtotal × bps / 10000, computed independently of the code under test. */
export function expectedTax(subtotal: number, bps: number): number {
  const exact = (subtotal * bps) / 10000;
  return Math.floor(exact + 0.5 + 1e-9);
}

/** The order's holds, moved on their stock objects to expire at `at` (by default in the past, as if their TTL ran out). */
export async function lapseHolds(productId: string, orderId: string, at = Date.now() - 1): Promise<void> {
  await runInDurableObject(stockObject(env.INVENTORY, productId), (_: InventoryDO, state) => {
    state.storage.sql.exec("UPDATE reservations SET expires_at = ? WHERE order_id = ?", at, orderId);
  });
}

/** Runs the product's stock-object alarm now (expires due holds). */
export function runStockAlarm(productId: string) {
  return runDurableObjectAlarm(stockObject(env.INVENTORY, productId));
}

/** A D1 handle whose `batch` fails on the calls `failOn` picks (1-based): an outage injected mid-saga. */
export function failingBatches(failOn: (call: number) => boolean): Database {
  const real = db;
  let calls = 0;
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "batch") {
        return (statements: Parameters<Database["batch"]>[0]) => {
          calls++;
          if (failOn(calls)) return Promise.reject(new Error("D1 unavailable (injected)"));
          return target.batch(statements);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** The stock objects, except that `method` always fails as if the object could not be reached. */
export function unreachable(method: "release" | "commit" | "reserve"): DurableObjectNamespace<InventoryDO> {
  const ns = env.INVENTORY;
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          return new Proxy(stub, {
            get(s, p) {
              if (p === method) return () => Promise.reject(new Error("stock object unreachable (injected)"));
              if (p === "then") return undefined;
              // RPC stubs answer any property with a remote method; call it on the stub itself.
              return (...args: unknown[]) =>
                (s as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[p]?.(...args);
            },
          });
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A provider that refuses every capture, as a card network would. */
export const decliningProvider: PaymentProvider = {
  name: "manual",
  staffOnly: true,
  capture: async () => ({ status: "declined", code: "card_declined", message: "Insufficient funds" }),
  refund: async (r) => ({ status: "succeeded", providerRef: `test_${r.refundId}` }),
};

/** A provider whose capture never answers: the outcome is unknown, as in a crash. */
export const crashingProvider: PaymentProvider = {
  name: "manual",
  staffOnly: true,
  capture: () => Promise.reject(new Error("connection reset (injected)")),
  refund: () => Promise.reject(new Error("connection reset (injected)")),
};

export const staffMeta = (actor: Actor): RequestMeta => ({ actor, requestId: `test-${crypto.randomUUID()}`, ip: null });
