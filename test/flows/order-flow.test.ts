import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { invoices, notifications, orders } from "../../src/db/schema";
import type { FlowView } from "../../src/flows/order-flow/history";
import { orderFlowSteps } from "../../src/flows/order-flow/steps";
import { newId } from "../../src/lib/ids";
import { ensureInvoice } from "../../src/modules/invoices/issue";
import { PAYMENT_EVENT } from "../../src/modules/orders/flow-contract";
import { startMissingFlows, startOrderFlow } from "../../src/modules/orders/flow-handover";
import { capturePayment } from "../../src/modules/orders/payment";
import { systemMeta } from "../../src/modules/orders/store";
import { type SignedIn, signInAs, userActorOf } from "../support/auth";
import { flowEnded, keyedOrderId, noFlowYet } from "../support/flows";
import { call } from "../support/http";
import {
  act,
  checkout,
  db,
  deps,
  getOrder,
  key,
  lapseHolds,
  ledger,
  level,
  pay,
  placedOrder,
  staffMeta,
  stockedProduct,
} from "../support/orders";
import { expectProblem } from "../support/problem";

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([signInAs("operator"), signInAs("customer")]);
});

const MANUAL = { provider: "manual", method: "card" } as const;

/** A checkout whose order id is known before the request, so its instance can be introspected from its start. */
async function keyedCheckout(productId: string, qty: number) {
  const idempotencyKey = key();
  const orderId = await keyedOrderId(customer.id, idempotencyKey);
  const instance = await introspectWorkflowInstance(env.ORDER_FLOW, orderId);
  return {
    orderId,
    instance,
    place: async () => {
      const res = await checkout(customer.token, { lines: [{ product_id: productId, qty }] }, idempotencyKey);
      expect(res.status, res.text).toBe(201);
      expect(res.body.id).toBe(orderId);
      return res.body;
    },
  };
}

const flowOf = async (orderId: string) => {
  const res = await call<FlowView>("GET", `/v1/orders/${orderId}/flow`, { token: staff.token });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

const sales = async (productId: string) => (await ledger(productId)).filter((m) => m.reason === "sale");
const invoicesOf = (orderId: string) => db.select().from(invoices).where(eq(invoices.orderId, orderId));

describe("the order's workflow", () => {
  it("takes a paid order through every step once, and shows them to staff from the Workflows API", async () => {
    const product = await stockedProduct(5, 400);
    const order = await keyedCheckout(product.id, 2);
    await using instance = order.instance;
    await order.place();
    const paid = await pay(staff.token, order.orderId, MANUAL);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe("processing");
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ outcome: "paid" });

    const flow = await flowOf(order.orderId);
    expect(flow).toMatchObject({
      order_id: order.orderId,
      status: "complete",
      error: null,
      output: { outcome: "paid" },
    });
    expect(flow.steps.map((s) => [s.name, s.kind, s.status])).toEqual([
      ["load-order-1", "do", "complete"],
      ["notify-received-1", "do", "complete"],
      ["await-payment-1", "wait", "complete"],
      ["commit-stock-1", "do", "complete"],
      ["issue-invoice-1", "do", "complete"],
      ["notify-1", "do", "complete"],
    ]);
    expect(flow.steps.filter((s) => s.kind === "do").map((s) => s.attempts)).toEqual([1, 1, 1, 1, 1]);

    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect(await sales(product.id)).toHaveLength(1);
    expect(await invoicesOf(order.orderId)).toHaveLength(1);
    const mail = await db.select().from(notifications).where(eq(notifications.orderId, order.orderId));
    expect(mail.map((m) => m.template).sort()).toEqual(["order_received", "payment_received"]);

    expectProblem(await call("GET", `/v1/orders/${order.orderId}/flow`, { token: customer.token }), 403, "FORBIDDEN");
    expectProblem(await call("GET", `/v1/orders/${newId("ord")}/flow`, { token: staff.token }), 404, "NOT_FOUND");
  });

  it("expires an order whose payment never arrives exactly at its hold's expiry, releasing the stock", async () => {
    const product = await stockedProduct(5, 300);
    const actor = userActorOf(customer);
    // Placed without an instance, so the test can bring the holds' expiry close before the flow reads it.
    const placed = await placedOrder(
      { ...deps(), flow: noFlowYet },
      actor,
      { lines: [{ product_id: product.id, qty: 2 }] },
      staffMeta(actor),
    );
    const expiresAt = Date.now() + 1500;
    await lapseHolds(product.id, placed.id, expiresAt);
    await db
      .update(orders)
      .set({ expiresAt: new Date(expiresAt).toISOString() })
      .where(eq(orders.id, placed.id));
    await using instance = await introspectWorkflowInstance(env.ORDER_FLOW, placed.id);
    await startOrderFlow(env.ORDER_FLOW, placed.id);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ outcome: "expired" });

    const after = (await getOrder(staff.token, placed.id)).body;
    expect(after).toMatchObject({ status: "cancelled", cancel_reason: "expired" });
    const cancelledAt = Date.parse(after.cancelled_at ?? "");
    expect(cancelledAt).toBeGreaterThanOrEqual(expiresAt);
    expect(cancelledAt - expiresAt).toBeLessThan(2000);
    expect(after.status_history.at(-1)).toMatchObject({ from: "pending", to: "cancelled", actor_type: "system" });
    expect(await level(product.id)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect((await ledger(product.id))[0]).toMatchObject({ reason: "released", note: "order_cancelled" });
    expect((await flowOf(placed.id)).steps.map((s) => [s.name, s.status])).toEqual([
      ["load-order-1", "complete"],
      ["notify-received-1", "complete"],
      ["await-payment-1", "timed_out"],
      ["expire-1", "complete"],
    ]);
    // Too late now: the order is over.
    expectProblem(await pay(staff.token, placed.id, MANUAL), 409, "INVALID_TRANSITION");
  });

  it("retries a step that fails twice, leaving one commit and one invoice", async () => {
    const product = await stockedProduct(4, 500);
    const order = await keyedCheckout(product.id, 1);
    await using instance = order.instance;
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "commit-stock" }, new Error("stock object unreachable (injected)"), 2);
      await m.mockStepError({ name: "issue-invoice" }, new Error("D1 unavailable (injected)"), 2);
    });
    await order.place();
    const paid = await pay(staff.token, order.orderId, MANUAL);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe("processing");
    await instance.waitForStatus("complete");

    const steps = (await flowOf(order.orderId)).steps;
    expect(steps.find((s) => s.name === "commit-stock-1")).toMatchObject({ status: "complete", attempts: 3 });
    expect(steps.find((s) => s.name === "issue-invoice-1")).toMatchObject({ status: "complete", attempts: 3 });
    // An attempt that died after doing its work (before Workflows stored its result) runs again: nothing twice.
    const payment = paid.body.payments[0];
    expect(payment).toMatchObject({ status: "succeeded" });
    const again = await orderFlowSteps(env, order.orderId).commit({
      kind: "payment",
      payment_id: payment?.id ?? "",
      provider_ref: payment?.provider_ref ?? null,
    });
    expect(again).toEqual({ payment_id: payment?.id, result: "paid" });
    await ensureInvoice(db, order.orderId, systemMeta("test"));

    expect(await sales(product.id)).toHaveLength(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect(await invoicesOf(order.orderId)).toHaveLength(1);
  });

  it("is not moved by a duplicated payment event", async () => {
    const product = await stockedProduct(4, 650);
    const order = await keyedCheckout(product.id, 2);
    await using instance = order.instance;
    await order.place();
    const actor = userActorOf(staff);
    const captured = await capturePayment(deps(), order.orderId, MANUAL, actor, staffMeta(actor), newId("pay"));
    const handle = await env.ORDER_FLOW.get(order.orderId);
    await Promise.all([
      handle.sendEvent({ type: PAYMENT_EVENT, payload: captured }),
      handle.sendEvent({ type: PAYMENT_EVENT, payload: captured }),
    ]);
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ outcome: "paid" });
    // And once more after the end.
    await handle.sendEvent({ type: PAYMENT_EVENT, payload: captured }).catch(() => undefined);

    const after = (await getOrder(staff.token, order.orderId)).body;
    expect(after.status).toBe("processing");
    expect(after.payments).toEqual([expect.objectContaining({ id: captured.payment_id, status: "succeeded" })]);
    expect(await sales(product.id)).toHaveLength(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 2, reserved: 0 });
    expect(await invoicesOf(order.orderId)).toHaveLength(1);
    const names = (await flowOf(order.orderId)).steps.map((s) => s.name);
    expect(names.filter((n) => n.startsWith("commit-stock"))).toEqual(["commit-stock-1"]);
  });

  it("settles a payment racing the expiry on exactly one outcome: paid with the stock committed, or cancelled with it released", async () => {
    const outcomes: string[] = [];
    for (const delayMs of [0, 0, 30, 120]) {
      const product = await stockedProduct(5, 350);
      const order = await keyedCheckout(product.id, 1);
      await using instance = order.instance;
      // The hold's expiry arrives the moment the flow starts waiting.
      await instance.modify(async (m) => {
        await m.forceEventTimeout({ name: "await-payment" });
      });
      await order.place();
      if (delayMs > 0) await scheduler.wait(delayMs);
      const paid = await pay(staff.token, order.orderId, MANUAL);
      await instance.waitForStatus("complete");
      const output = (await instance.getOutput()) as { outcome: string };
      const after = (await getOrder(staff.token, order.orderId)).body;
      const stock = await level(product.id);
      const sold = await sales(product.id);
      if (after.status === "processing") {
        expect(paid.status, paid.text).toBe(200);
        expect(output).toEqual({ outcome: "paid" });
        expect(stock).toMatchObject({ on_hand: 4, reserved: 0 });
        expect(sold).toHaveLength(1);
        expect(after.payments).toEqual([expect.objectContaining({ status: "succeeded" })]);
      } else {
        expect(after).toMatchObject({ status: "cancelled", cancel_reason: "expired" });
        expect(paid.status, paid.text).toBe(409);
        expect(output).toEqual({ outcome: "expired" });
        expect(stock).toMatchObject({ on_hand: 5, reserved: 0 });
        expect(sold).toHaveLength(0);
        expect(after.payments.filter((p) => p.status === "succeeded")).toHaveLength(0);
      }
      outcomes.push(after.status);
    }
    expect(outcomes.every((s) => s === "processing" || s === "cancelled")).toBe(true);
  });

  it("ends when a pending order is cancelled, without waiting for the expiry", async () => {
    const product = await stockedProduct(3, 200);
    const order = await keyedCheckout(product.id, 1);
    await using instance = order.instance;
    await order.place();
    expect((await act(customer.token, order.orderId, "cancel")).body.status).toBe("cancelled");
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ outcome: "cancelled" });
    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
  });
});

describe("orders in flight when the workflow is deployed", () => {
  it("get their instance from the minute sweep: a paying order is finished, a pending one waits for its payment", async () => {
    const before = { ...deps(), flow: noFlowYet };
    const actor = userActorOf(customer);
    const staffActor = userActorOf(staff);
    const [pendingProduct, payingProduct] = await Promise.all([stockedProduct(4, 300), stockedProduct(4, 300)]);
    const pending = await placedOrder(
      before,
      actor,
      { lines: [{ product_id: pendingProduct.id, qty: 1 }] },
      staffMeta(actor),
    );
    const paying = await placedOrder(
      before,
      actor,
      { lines: [{ product_id: payingProduct.id, qty: 2 }] },
      staffMeta(actor),
    );
    // The old code's pay request died after its claim and capture: `paying`, the payment still `pending`.
    await capturePayment(before, paying.id, MANUAL, staffActor, staffMeta(staffActor), newId("pay"));
    expect((await getOrder(staff.token, paying.id)).body.status).toBe("paying");
    expect((await flowOf(pending.id)).status).toBe("not_started");

    // The sweep leaves an order young enough to still be starting its own instance.
    await startMissingFlows(db, env.ORDER_FLOW, Date.now());
    expect((await flowOf(pending.id)).status).toBe("not_started");
    expect(await startMissingFlows(db, env.ORDER_FLOW, Date.now() + 2 * 60_000)).toBeGreaterThanOrEqual(2);

    expect((await flowEnded(paying.id)).output).toEqual({ outcome: "paid" });
    const paid = (await getOrder(staff.token, paying.id)).body;
    expect(paid.status).toBe("processing");
    expect(paid.invoices).toHaveLength(1);
    expect(await level(payingProduct.id)).toMatchObject({ on_hand: 2, reserved: 0 });

    const waiting = await flowOf(pending.id);
    expect(waiting.steps.at(-1)).toMatchObject({ name: "await-payment-1", kind: "wait", status: "waiting" });
    expect((await pay(staff.token, pending.id, MANUAL)).body.status).toBe("processing");
    expect((await flowEnded(pending.id)).output).toEqual({ outcome: "paid" });

    // Both marked started: the next sweeps leave them alone.
    const rows = await db.select({ started: orders.flowStartedAt }).from(orders).where(eq(orders.id, pending.id));
    expect(rows[0]?.started).toEqual(expect.any(String));
  });
});
