import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../src/lib/errors";
import { payOrder } from "../../../src/modules/orders/payment";
import { orderDeps } from "../../../src/modules/orders/store";
import { type SignedIn, signInAs, userActorOf } from "../../support/auth";
import { flowEnded } from "../../support/flows";
import { call } from "../../support/http";
import {
  act,
  checkout,
  crashingProvider,
  db,
  decliningProvider,
  getOrder,
  lapseHolds,
  ledger,
  level,
  pay,
  runStockAlarm,
  staffMeta,
  stockedProduct,
} from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([signInAs("operator"), signInAs("customer")]);
});

const MANUAL = { provider: "manual", method: "cash" } as const;

async function pendingOrder(stock: number, qty: number) {
  const product = await stockedProduct(stock, 900);
  const res = await checkout(customer.token, { lines: [{ product_id: product.id, qty }] });
  expect(res.status, res.text).toBe(201);
  return { order: res.body, product };
}

describe("POST /v1/orders/{id}/pay", () => {
  it("commits the holds: on_hand and reserved both go down, with a sale in the ledger", async () => {
    const { order, product } = await pendingOrder(5, 2);
    const res = await pay(staff.token, order.id, MANUAL);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "processing", paid_at: expect.any(String) });
    expect(res.body.payments).toEqual([
      expect.objectContaining({
        provider: "manual",
        status: "succeeded",
        amount: order.total,
        details: { method: "cash" },
      }),
    ]);
    expect(res.body.reservations[0]).toMatchObject({ state: "committed", qty: 2 });
    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect((await ledger(product.id)).map((m) => m.reason)).toEqual(["sale", "reserved", "received"]);
    expectProblem(await pay(staff.token, order.id, MANUAL), 409, "INVALID_TRANSITION");
    expectProblem(await pay(staff.token, order.id, { provider: "stripe" }), 400, "VALIDATION_FAILED");
  });

  it("reserves again when the hold expired before payment, and sells from the new hold", async () => {
    const { order, product } = await pendingOrder(5, 2);
    await lapseHolds(product.id, order.id);
    await runStockAlarm(product.id);
    expect(await level(product.id)).toMatchObject({ on_hand: 5, reserved: 0 });
    const res = await pay(staff.token, order.id, MANUAL);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("processing");
    expect(res.body.reservations[0]?.reservation_id).not.toBe(order.reservations[0]?.reservation_id);
    expect(res.body.reservations[0]).toMatchObject({ state: "committed", qty: 2 });
    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect((await ledger(product.id)).map((m) => m.reason)).toEqual([
      "sale",
      "reserved",
      "expired",
      "reserved",
      "received",
    ]);
  });

  it("gives back a lapsed hold the alarm has not swept yet before reserving again", async () => {
    const { order, product } = await pendingOrder(2, 2);
    await lapseHolds(product.id, order.id);
    const res = await pay(staff.token, order.id, MANUAL);
    expect(res.status, res.text).toBe(200);
    expect(await level(product.id)).toMatchObject({ on_hand: 0, reserved: 0 });
    expect((await ledger(product.id)).map((m) => m.reason)).toEqual([
      "sale",
      "reserved",
      "released",
      "reserved",
      "received",
    ]);
  });

  it("cancels the order (reservation_expired) with 409 when the lapsed stock was sold to someone else", async () => {
    const { order, product } = await pendingOrder(2, 2);
    await lapseHolds(product.id, order.id);
    await runStockAlarm(product.id);
    const rival = await checkout(staff.token, {
      lines: [{ product_id: product.id, qty: 2 }],
      customer_id: customer.id,
    });
    expect(rival.status).toBe(201);
    const res = await pay(staff.token, order.id, MANUAL);
    expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(res.body).toMatchObject({
      order_id: order.id,
      order_status: "cancelled",
      lines: [{ product_id: product.id, requested: 2, available: 0 }],
    });
    const after = (await getOrder(staff.token, order.id)).body;
    expect(after).toMatchObject({ status: "cancelled", cancel_reason: "reservation_expired", refunds: [] });
    expect(after.payments).toEqual([
      expect.objectContaining({ status: "failed", failure_code: "reservation_expired" }),
    ]);
    expect(await level(product.id)).toMatchObject({ on_hand: 2, reserved: 2 });
  });

  it("puts a declined order back to pending with its holds, and a later payment succeeds", async () => {
    const { order, product } = await pendingOrder(4, 1);
    const deps = { ...orderDeps(env, db), payments: { manual: decliningProvider } };
    const refused = await payOrder(deps, order.id, MANUAL, userActorOf(staff), staffMeta(userActorOf(staff))).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      status: 409,
      code: "CONFLICT",
      options: { extra: { decline_code: "card_declined" } },
    });
    const after = (await getOrder(staff.token, order.id)).body;
    expect(after.status).toBe("pending");
    expect(after.payments).toEqual([expect.objectContaining({ status: "declined", failure_code: "card_declined" })]);
    expect(after.status_history.map((h) => h.to)).toEqual(["pending", "paying", "pending"]);
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 1 });
    expect((await pay(staff.token, order.id, MANUAL)).body.status).toBe("processing");
    expect(await level(product.id)).toMatchObject({ on_hand: 3, reserved: 0 });
  });

  it("survives a crash before the capture answered: the order waits in paying and its flow completes it once", async () => {
    const { order, product } = await pendingOrder(4, 3);
    const actor = userActorOf(staff);
    const crashed = { ...orderDeps(env, db), payments: { manual: crashingProvider } };
    await expect(payOrder(crashed, order.id, MANUAL, actor, staffMeta(actor))).rejects.toThrow("connection reset");
    expect((await getOrder(staff.token, order.id)).body.status).toBe("paying");
    expectProblem(await act(staff.token, order.id, "cancel"), 409, "INVALID_TRANSITION");
    expectProblem(await pay(staff.token, order.id, MANUAL), 409, "INVALID_TRANSITION");
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 3 });

    // Staff hand the pending payment to the order's flow, which captures it again under its id.
    const admin = await signInAs("admin");
    const resumed = await call<{ status: string }>("POST", `/v1/orders/${order.id}/resume-payment`, {
      token: admin.token,
    });
    expect(resumed.status, resumed.text).toBe(200);
    const done = (await getOrder(staff.token, order.id)).body;
    expect(done.status).toBe("processing");
    expect(done.payments).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect(await level(product.id)).toMatchObject({ on_hand: 1, reserved: 0 });
    expect((await ledger(product.id)).filter((m) => m.reason === "sale")).toHaveLength(1);
  });

  it("captures automatically in the order's flow when the order asks for it, once", async () => {
    const product = await stockedProduct(3, 250);
    const res = await checkout(staff.token, {
      lines: [{ product_id: product.id, qty: 1 }],
      customer_id: customer.id,
      capture: "automatic",
    });
    expect(res.body.capture_mode).toBe("automatic");
    expect((await flowEnded(res.body.id)).output).toEqual({ outcome: "paid" });
    const after = (await getOrder(staff.token, res.body.id)).body;
    expect(after.status).toBe("processing");
    expect(after.payments).toEqual([
      expect.objectContaining({ status: "succeeded", details: { method: "other", reference: "auto-capture" } }),
    ]);
    expect(after.invoices).toHaveLength(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 2, reserved: 0 });
  });
});
