import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { orderLines, orders, stockLevels, stockLocationLevels, stockMovements } from "../../src/db/schema";
import type { InventoryDO } from "../../src/durable/inventory/object";
import { chunks } from "../../src/lib/chunks";
import { newId } from "../../src/lib/ids";
import type { ReturnView } from "../../src/modules/returns/schemas";
import { stockObject } from "../../src/modules/stock";
import type { SignedIn } from "./auth";
import { call } from "./http";
import { act, checkout, db, key, ledger, level, pay, stockedProduct } from "./orders";
import { insertProduct } from "./products";

/** A completed order of the customer's: one line per entry (stock on the shelf, unit price, qty bought). */
export async function completedOrder(
  customer: SignedIn,
  staff: SignedIn,
  lines: { stock: number; price: number; qty: number }[],
) {
  const products = await Promise.all(lines.map((l) => stockedProduct(l.stock, l.price)));
  const created = await checkout(customer.token, {
    lines: products.map((p, i) => ({ product_id: p.id, qty: lines[i]?.qty ?? 1 })),
  });
  expect(created.status, created.text).toBe(201);
  expect((await pay(staff.token, created.body.id)).status).toBe(200);
  expect((await act(staff.token, created.body.id, "fulfil")).status).toBe(200);
  return { id: created.body.id, products };
}

export function openReturn(token: string, orderId: string, body: unknown, idempotencyKey = key()) {
  return call<ReturnView>("POST", `/v1/orders/${orderId}/returns`, {
    token,
    headers: { "idempotency-key": idempotencyKey },
    body,
  });
}

export type Step = "approve" | "reject" | "receive" | "refund" | "close";

export function step(token: string, returnId: string, name: Step, body: unknown = {}, idempotencyKey = key()) {
  return call<ReturnView>("POST", `/v1/returns/${returnId}/${name}`, {
    token,
    headers: { "idempotency-key": idempotencyKey },
    body,
  });
}

export const getReturn = (token: string, id: string) => call<ReturnView>("GET", `/v1/returns/${id}`, { token });

/** Moves the order's completion back in time, as if it was completed `days` ago. */
export async function completedDaysAgo(orderId: string, days: number): Promise<void> {
  const at = new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
  await db.update(orders).set({ completedAt: at }).where(eq(orders.id, orderId));
}

/**
 * The product's stock as its object holds it, after checking the three views agree:
 * the object's buckets (totals and per location), its ledger (each bucket's deltas add
 * up to the level) and the D1 projection (same totals, same per-location rows, same
 * movements) once the object has flushed.
 */
export async function agreedStock(productId: string) {
  const stub = stockObject(env.INVENTORY, productId);
  await runInDurableObject(stub, (instance: InventoryDO) => instance.flush());
  const [snapshot, movements] = await Promise.all([level(productId), ledger(productId)]);
  const sum = (pick: (m: (typeof movements)[number]) => number) => movements.reduce((total, m) => total + pick(m), 0);
  expect({
    on_hand: sum((m) => m.delta_on_hand),
    reserved: sum((m) => m.delta_reserved),
    damaged: sum((m) => m.delta_damaged),
    quarantine: sum((m) => m.delta_quarantine),
  }).toEqual({
    on_hand: snapshot.on_hand,
    reserved: snapshot.reserved,
    damaged: snapshot.damaged,
    quarantine: snapshot.quarantine,
  });
  const [projected] = await db.select().from(stockLevels).where(eq(stockLevels.productId, productId));
  expect(projected).toMatchObject({
    onHand: snapshot.on_hand,
    reserved: snapshot.reserved,
    damaged: snapshot.damaged,
    quarantine: snapshot.quarantine,
    available: snapshot.available,
    version: snapshot.version,
  });
  const perLocation = await db.select().from(stockLocationLevels).where(eq(stockLocationLevels.productId, productId));
  expect(perLocation.map((l) => [l.locationId, l.onHand, l.damaged, l.quarantine]).sort()).toEqual(
    snapshot.locations.map((l) => [l.location_id, l.on_hand, l.damaged, l.quarantine]).sort(),
  );
  const projectedMovements = await db.select().from(stockMovements).where(eq(stockMovements.productId, productId));
  expect(projectedMovements.map((m) => m.id).sort()).toEqual(movements.map((m) => m.id).sort());
  const at = (locationId: string) => snapshot.locations.find((l) => l.location_id === locationId);
  return { level: snapshot, ledger: movements, at };
}

/**
 * A completed, unpaid-for-by-provider order of 100 lines (the most an order has) of one
 * unit at 10 each, written straight into D1: returns at their documented maximum are
 * the subject here, not checkout.
 */
export async function completedOrderOf100Lines(customerId: string) {
  const products = await Promise.all(Array.from({ length: 100 }, () => insertProduct({ price: 10 })));
  const orderId = newId("ord");
  const now = new Date().toISOString();
  await db.insert(orders).values({
    id: orderId,
    customerId,
    status: "completed",
    source: "checkout",
    currency: "USD",
    subtotal: 2000,
    taxRateBps: 0,
    tax: 0,
    total: 2000,
    captureMode: "manual",
    metadata: {},
    expiresAt: now,
    paidAt: now,
    completedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  const lines = products.map((p, position) => ({
    orderId,
    productId: p.id,
    position,
    sku: p.sku,
    name: p.sku,
    unitPrice: 10,
    qty: 2,
    lineTotal: 20,
  }));
  // Eleven columns a line (defaults included): nine lines per insert stay under D1's 100 bound parameters.
  for (const part of chunks(lines, 9)) await db.insert(orderLines).values(part);
  return { orderId, productIds: products.map((p) => p.id) };
}
