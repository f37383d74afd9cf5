import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { events, notifications, orders } from "../../../src/db/schema";
import worker from "../../../src/index";
import { placeOrder } from "../../../src/modules/orders/checkout";
import { orderDeps } from "../../../src/modules/orders/store";
import { type SignedIn, signInAs, userActorOf } from "../../support/auth";
import {
  checkout,
  db,
  drainOrderEvents,
  failingBatches,
  getOrder,
  lapseHolds,
  ledger,
  level,
  runQueue,
  runStockAlarm,
  staffMeta,
  stockedProduct,
  unreachable,
} from "../../support/orders";

let customer: SignedIn;
let staff: SignedIn;
beforeAll(async () => {
  [customer, staff] = await Promise.all([signInAs("customer"), signInAs("operator")]);
});

async function pendingOrder(qty = 2) {
  const product = await stockedProduct(5, 300);
  const res = await checkout(customer.token, { lines: [{ product_id: product.id, qty }] });
  expect(res.status, res.text).toBe(201);
  return { order: res.body, product };
}

/** Moves the order's deadline into the past in D1, as if its 15 minutes were over. */
const overdue = (orderId: string) =>
  db
    .update(orders)
    .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
    .where(eq(orders.id, orderId));

describe("expiry of pending orders", () => {
  it("the every-minute sweep cancels pending orders past expires_at (reason expired) and frees their stock", async () => {
    const { order, product } = await pendingOrder();
    const fresh = await pendingOrder();
    await overdue(order.id);
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);

    const after = (await getOrder(staff.token, order.id)).body;
    expect(after).toMatchObject({ status: "cancelled", cancel_reason: "expired" });
    expect(after.status_history.at(-1)).toMatchObject({ from: "pending", to: "cancelled", actor_type: "system" });
    expect(await level(product.id)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect((await ledger(product.id))[0]).toMatchObject({ reason: "released", note: "order_cancelled" });
    expect((await getOrder(staff.token, fresh.order.id)).body.status).toBe("pending");

    const cancelled = await db
      .select()
      .from(events)
      .where(and(eq(events.resourceId, order.id), eq(events.type, "order.cancelled")));
    expect(cancelled[0]?.data).toMatchObject({ reason: "expired", previous_status: "pending" });
    await drainOrderEvents(order.id);
    const mail = await db.select().from(notifications).where(eq(notifications.orderId, order.id));
    expect(mail.map((m) => m.template).sort()).toEqual(["order_cancelled", "order_received"]);
    expect(mail.every((m) => m.recipient === customer.email)).toBe(true);
  });

  it("reacts to a stock object's expired hold through the JOBS queue", async () => {
    const { order, product } = await pendingOrder();
    await overdue(order.id);
    await lapseHolds(product.id, order.id);
    await runStockAlarm(product.id);
    // The alarm's notice goes through the real JOBS queue and its consumer.
    await vi.waitFor(async () => expect((await getOrder(staff.token, order.id)).body.status).toBe("cancelled"), {
      timeout: 15_000,
      interval: 100,
    });
    expect((await getOrder(staff.token, order.id)).body.cancel_reason).toBe("expired");
    expect(await level(product.id)).toMatchObject({ on_hand: 5, reserved: 0 });
  });

  it("the JOBS consumer cancels only pending orders that are due, and retries what it cannot handle", async () => {
    const due = await pendingOrder();
    const notYet = await pendingOrder();
    await overdue(due.order.id);
    const { result, retries } = await runQueue("stockroom-jobs", [
      { body: { type: "reservation.expired", order_id: due.order.id, reservation_id: "rsv_x" } },
      { body: { type: "reservation.expired", order_id: notYet.order.id, reservation_id: "rsv_y" } },
      { body: { type: "something.else", order_id: "ord_x" } },
    ]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toHaveLength(1);
    expect([...retries.values()][0]?.delaySeconds).toBeGreaterThan(0);
    expect((await getOrder(staff.token, due.order.id)).body.status).toBe("cancelled");
    expect((await getOrder(staff.token, notYet.order.id)).body.status).toBe("pending");
  });
});

describe("checkout crash safety", () => {
  it("a D1 failure after the holds releases them at once and leaves no order", async () => {
    const product = await stockedProduct(4);
    const buyer = await signInAs("customer");
    const actor = userActorOf(buyer);
    const deps = { ...orderDeps(env, db), db: failingBatches(() => true) };
    await expect(
      placeOrder(deps, actor, { lines: [{ product_id: product.id, qty: 3 }] }, staffMeta(actor)),
    ).rejects.toThrow("D1 unavailable");
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 0 });
    expect((await ledger(product.id)).map((m) => m.reason)).toEqual(["released", "reserved", "received"]);
    expect(await db.select().from(orders).where(eq(orders.customerId, buyer.id))).toHaveLength(0);
  });

  it("if the release is lost too, the holds' TTL frees the stock: nothing stays stuck", async () => {
    const product = await stockedProduct(4);
    const buyer = await signInAs("customer");
    const actor = userActorOf(buyer);
    const deps = { ...orderDeps(env, db), db: failingBatches(() => true), objects: unreachable("release") };
    await expect(
      placeOrder(deps, actor, { lines: [{ product_id: product.id, qty: 3 }] }, staffMeta(actor)),
    ).rejects.toThrow("D1 unavailable");
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 3, available: 1 });

    const [hold] = await ledger(product.id);
    const orderId = hold?.reference ?? "";
    expect(orderId).toMatch(/^ord_/);
    await lapseHolds(product.id, orderId);
    await runStockAlarm(product.id);
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 0, available: 4 });
    expect((await ledger(product.id))[0]).toMatchObject({ reason: "expired", delta_reserved: -3 });
    expect(await db.select().from(orders).where(eq(orders.customerId, buyer.id))).toHaveLength(0);
  });
});
