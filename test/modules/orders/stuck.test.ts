import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { orders, payments } from "../../../src/db/schema";
import { payOrder } from "../../../src/modules/orders/payment";
import { orderDeps } from "../../../src/modules/orders/store";
import { MAX_RESUME_ATTEMPTS, resumeStalledPayments } from "../../../src/modules/orders/sweeps";
import { type SignedIn, signInAs, userActorOf } from "../../support/auth";
import { call } from "../../support/http";
import { checkout, crashingProvider, db, getOrder, staffMeta, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let manager: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, manager, customer] = await Promise.all([signInAs("operator"), signInAs("manager"), signInAs("customer")]);
});

/** An order whose pay request died after the claim: `paying`, its payment `pending`, claimed `minutesAgo`. */
async function stuckOrder(minutesAgo: number): Promise<string> {
  const product = await stockedProduct(3, 700);
  const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
  const actor = userActorOf(staff);
  const crashed = { ...orderDeps(env, db), payments: { manual: crashingProvider } };
  await expect(
    payOrder(crashed, created.body.id, { provider: "manual", method: "cash" }, actor, staffMeta(actor)),
  ).rejects.toThrow("connection reset");
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await db.update(orders).set({ updatedAt: at }).where(eq(orders.id, created.body.id));
  return created.body.id;
}

type StuckList = {
  data: { order_id: string; resume_attempts: number; last_error: string | null; left_to_staff: boolean }[];
};

describe("stalled payments the sweep cannot finish", () => {
  it("are counted, skipped after a few tries so the others resume, and left to staff to list and resolve", async () => {
    const poisoned = await stuckOrder(30);
    const healthy = await stuckOrder(10);
    // Poisoned: its provider is no longer configured, so every run fails the same way.
    await db.update(payments).set({ provider: "retired-gateway" }).where(eq(payments.orderId, poisoned));

    // One slot per run: before, the oldest (poisoned) payment took it every minute, forever.
    for (let run = 0; run < MAX_RESUME_ATTEMPTS; run++) {
      expect(await resumeStalledPayments(orderDeps(env, db), Date.now(), 1)).toBe(0);
    }
    expect((await getOrder(staff.token, healthy)).body.status).toBe("paying");
    expect(await resumeStalledPayments(orderDeps(env, db), Date.now(), 1)).toBe(1);
    expect((await getOrder(staff.token, healthy)).body.status).toBe("processing");

    const listed = await call<StuckList>("GET", "/v1/orders/stuck", { token: manager.token });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        order_id: poisoned,
        resume_attempts: MAX_RESUME_ATTEMPTS,
        left_to_staff: true,
        last_error: expect.stringContaining("retired-gateway"),
      }),
    ]);
    expectProblem(await call("GET", "/v1/orders/stuck", { token: staff.token }), 403, "FORBIDDEN");

    // Still failing: staff see the error and the attempt is counted; once fixed, it resolves.
    expectProblem(
      await call("POST", `/v1/orders/${poisoned}/resume-payment`, { token: manager.token }),
      503,
      "SERVICE_UNAVAILABLE",
    );
    await db.update(payments).set({ provider: "manual" }).where(eq(payments.orderId, poisoned));
    const resolved = await call<{ status: string }>("POST", `/v1/orders/${poisoned}/resume-payment`, {
      token: manager.token,
    });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.status).toBe("processing");
    expect((await call<StuckList>("GET", "/v1/orders/stuck", { token: manager.token })).body.data).toEqual([]);
    expectProblem(
      await call("POST", `/v1/orders/${healthy}/resume-payment`, { token: manager.token }),
      409,
      "INVALID_TRANSITION",
    );
  });
});
