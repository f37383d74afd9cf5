import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { orders, payments } from "../../../src/db/schema";
import { payOrder } from "../../../src/modules/orders/payment";
import { orderDeps } from "../../../src/modules/orders/store";
import { type SignedIn, signInAs, userActorOf } from "../../support/auth";
import { keyedOrderId } from "../../support/flows";
import { call } from "../../support/http";
import { checkout, crashingProvider, db, getOrder, key, staffMeta, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let manager: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, manager, customer] = await Promise.all([signInAs("operator"), signInAs("manager"), signInAs("customer")]);
});

type StuckList = {
  data: { order_id: string; flow_status: string; flow_error: string | null; left_to_staff: boolean }[];
};

const stuckOf = async (orderId: string) =>
  (await call<StuckList>("GET", "/v1/orders/stuck", { token: manager.token })).body.data.find(
    (row) => row.order_id === orderId,
  );

describe("payments the order's flow cannot finish", () => {
  it("are listed with their instance's status and error, and staff restart the flow once the cause is fixed", async () => {
    const idempotencyKey = key();
    const orderId = await keyedOrderId(customer.id, idempotencyKey);
    await using flow = await introspectWorkflowInstance(env.ORDER_FLOW, orderId);
    // The flow's retries still run, without their backoff.
    await flow.modify(async (m) => {
      await m.disableRetryDelays();
    });
    const product = await stockedProduct(3, 700);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] }, idempotencyKey);
    expect(created.body.id).toBe(orderId);

    // The pay request dies before its capture answers: `paying`, the payment `pending`, claimed 30 minutes ago.
    const actor = userActorOf(staff);
    const crashed = { ...orderDeps(env, db), payments: { manual: crashingProvider } };
    await expect(
      payOrder(crashed, orderId, { provider: "manual", method: "cash" }, actor, staffMeta(actor)),
    ).rejects.toThrow("connection reset");
    await db
      .update(orders)
      .set({ updatedAt: new Date(Date.now() - 30 * 60_000).toISOString() })
      .where(eq(orders.id, orderId));
    // Poisoned: its provider is no longer configured, so every attempt of the commit fails the same way.
    await db.update(payments).set({ provider: "retired-gateway" }).where(eq(payments.orderId, orderId));

    // Its flow is still waiting for the payment (locally the engine reports a waiting instance as running).
    expect(await stuckOf(orderId)).toMatchObject({
      flow_status: expect.stringMatching(/^(waiting|running)$/),
      left_to_staff: false,
    });
    expectProblem(await call("GET", "/v1/orders/stuck", { token: staff.token }), 403, "FORBIDDEN");

    // Handed the payment, the flow retries its commit until its retries are used up, then errors.
    expectProblem(
      await call("POST", `/v1/orders/${orderId}/resume-payment`, { token: manager.token }),
      503,
      "SERVICE_UNAVAILABLE",
    );
    await flow.waitForStatus("errored");
    expect(await stuckOf(orderId)).toMatchObject({
      flow_status: "errored",
      left_to_staff: true,
      flow_error: expect.stringContaining("retired-gateway"),
    });

    await db.update(payments).set({ provider: "manual" }).where(eq(payments.orderId, orderId));
    const resolved = await call<{ status: string }>("POST", `/v1/orders/${orderId}/resume-payment`, {
      token: manager.token,
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.status).toBe("processing");
    expect((await getOrder(staff.token, orderId)).body.payments).toEqual([
      expect.objectContaining({ status: "succeeded" }),
    ]);
    expect(await stuckOf(orderId)).toBeUndefined();
    expectProblem(
      await call("POST", `/v1/orders/${orderId}/resume-payment`, { token: manager.token }),
      409,
      "INVALID_TRANSITION",
    );
  });
});
