/*
 * An access token's session is checked on every request; for reads the check rides with
 * the request's first D1 query (src/modules/auth/authenticate.ts). These tests hold the
 * read path to the same rules as the write path: a session that has ended, a user who
 * is no longer active, or a role the user no longer has is a 401, and nothing read leaves.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { idempotencyKeys, orders, users } from "../../../src/db/schema";
import { signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { checkout, key, ledger, level, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { roundTrips } from "../../support/server-timing";

describe("the session check on reads", () => {
  it("shares the read's first D1 round trip", async () => {
    const manager = await signInAs("manager");
    const res = await call("GET", "/v1/categories", { token: manager.token });
    expect(res.status).toBe(200);
    expect(roundTrips(res.headers)).toEqual({ d1: 1, ratelimit: 1 });
  });

  it("refuses a read after logout, with or without a D1 query in the handler", async () => {
    const manager = await signInAs("manager");
    expect((await call("POST", "/v1/auth/logout", { token: manager.token })).status).toBe(204);
    const logged = vi.spyOn(console, "error");
    const listed = await call("GET", "/v1/categories", { token: manager.token });
    expectProblem(listed, 401, "UNAUTHENTICATED");
    expect(listed.text).not.toContain('"data"');
    // An expected 401, not an error of ours: nothing is logged as unhandled.
    expect(logged.mock.calls.flat().join(" ")).not.toContain("unhandled error");
    logged.mockRestore();
    // The event catalog is built in code: the check still runs, after the handler.
    const catalog = await call("GET", "/v1/event-types", { token: manager.token });
    expectProblem(catalog, 401, "UNAUTHENTICATED");
    expect(catalog.text).not.toContain("order.created");
  });

  it("refuses a read by a deactivated user", async () => {
    const manager = await signInAs("manager");
    await db.update(users).set({ status: "deactivated" }).where(eq(users.id, manager.id));
    expectProblem(await call("GET", "/v1/categories", { token: manager.token }), 401, "UNAUTHENTICATED");
  });

  it("refuses a read whose token names a role the user no longer has", async () => {
    const manager = await signInAs("manager");
    // Changing a role through the API ends the user's sessions; this is the case where
    // the session outlived the change, so the token's role is all that is left to check.
    // (Not to customer: a demoted manager would then be listed among the customers.)
    await db.update(users).set({ role: "operator" }).where(eq(users.id, manager.id));
    const res = await call("GET", "/v1/event-types", { token: manager.token });
    expectProblem(res, 401, "UNAUTHENTICATED");
  });
});

/*
 * A keyed write has its session check as the guard of its key's claim batch
 * (src/middleware/idempotency.ts): a failed check must leave no claimed key, no change,
 * and a 401, exactly as the check before the handler does for other writes.
 */
describe("the session check on keyed writes", () => {
  async function adjustWith(token: string, productId: string, idempotencyKey: string) {
    return call("POST", `/v1/inventory/${productId}/adjustments`, {
      token,
      headers: { "idempotency-key": idempotencyKey },
      body: { delta: -1, reason: "damaged" },
    });
  }

  async function claimedKeys(actorId: string, idempotencyKey: string) {
    return db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actorKey, actorId), eq(idempotencyKeys.key, idempotencyKey)));
  }

  async function expectRefusedAndUnchanged(token: string, actorId: string) {
    const product = await stockedProduct(10);
    const k = key();
    expectProblem(await adjustWith(token, product.id, k), 401, "UNAUTHENTICATED");
    expect(await level(product.id)).toMatchObject({ on_hand: 10 });
    expect(await ledger(product.id)).toHaveLength(1);
    expect(await claimedKeys(actorId, k)).toEqual([]);
    return product;
  }

  it("refuses a keyed write after logout: nothing claimed, nothing changed", async () => {
    const manager = await signInAs("manager");
    expect((await call("POST", "/v1/auth/logout", { token: manager.token })).status).toBe(204);
    await expectRefusedAndUnchanged(manager.token, manager.id);
  });

  it("refuses a keyed write by a deactivated user", async () => {
    const manager = await signInAs("manager");
    await db.update(users).set({ status: "deactivated" }).where(eq(users.id, manager.id));
    await expectRefusedAndUnchanged(manager.token, manager.id);
  });

  it("refuses a keyed write whose token names a role the user no longer has", async () => {
    const manager = await signInAs("manager");
    await db.update(users).set({ role: "operator" }).where(eq(users.id, manager.id));
    await expectRefusedAndUnchanged(manager.token, manager.id);
  });

  it("refuses the replay of a key answered before the session ended", async () => {
    const manager = await signInAs("manager");
    const product = await stockedProduct(10);
    const k = key();
    expect((await adjustWith(manager.token, product.id, k)).status).toBe(201);
    await vi.waitFor(async () => expect((await claimedKeys(manager.id, k))[0]?.state).toBe("done"));
    expect((await call("POST", "/v1/auth/logout", { token: manager.token })).status).toBe(204);
    const replay = await adjustWith(manager.token, product.id, k);
    expectProblem(replay, 401, "UNAUTHENTICATED");
    expect(replay.headers.get("idempotent-replayed")).toBeNull();
  });

  it("refuses a keyed checkout after logout: no order, no hold", async () => {
    const customer = await signInAs("customer");
    const product = await stockedProduct(10);
    expect((await call("POST", "/v1/auth/logout", { token: customer.token })).status).toBe(204);
    const res = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    expectProblem(res, 401, "UNAUTHENTICATED");
    expect(await db.select().from(orders).where(eq(orders.customerId, customer.id))).toEqual([]);
    expect(await level(product.id)).toMatchObject({ on_hand: 10, reserved: 0 });
  });
});
