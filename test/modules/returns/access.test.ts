import { beforeAll, describe, expect, it } from "vitest";
import type { ReturnView } from "../../../src/modules/returns/schemas";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { getOrder } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { completedDaysAgo, completedOrder, getReturn, openReturn, step } from "../../support/returns";
import { changeSettings, getSettings } from "../../support/settings";

let manager: SignedIn;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
beforeAll(async () => {
  [manager, admin, alice, bob] = await Promise.all([
    signInAs("manager"),
    signInAs("admin"),
    signInAs("customer"),
    signInAs("customer"),
  ]);
});

const line = (productId: string | undefined) => ({ lines: [{ product_id: productId, qty: 1, reason: "other" }] });

describe("who may open and see returns", () => {
  it("a customer may open one within the window after completion, not after; staff may any time", async () => {
    const window = (await getSettings(admin)).body.return_window_days;
    expect(window).toBe(30);
    const { id: orderId, products } = await completedOrder(alice, manager, [{ stock: 5, price: 100, qty: 2 }]);
    await completedDaysAgo(orderId, 29);
    expect((await openReturn(alice.token, orderId, line(products[0]?.id))).status).toBe(201);
    await completedDaysAgo(orderId, 31);
    const late = await openReturn(alice.token, orderId, line(products[0]?.id));
    expectProblem(late, 403, "FORBIDDEN");
    expect(late.text).toContain("30 days");
    expect((await openReturn(manager.token, orderId, line(products[0]?.id))).status).toBe(201);
  });

  it("the window is a setting", async () => {
    const { id: orderId, products } = await completedOrder(alice, manager, [{ stock: 5, price: 100, qty: 1 }]);
    await completedDaysAgo(orderId, 10);
    await changeSettings(admin, { return_window_days: 7 });
    try {
      expectProblem(await openReturn(alice.token, orderId, line(products[0]?.id)), 403, "FORBIDDEN");
    } finally {
      await changeSettings(admin, { return_window_days: 30 });
    }
  });

  it("customer B can neither open, see nor list returns on A's order", async () => {
    const { id: orderId, products } = await completedOrder(alice, manager, [{ stock: 5, price: 100, qty: 2 }]);
    const opened = await openReturn(alice.token, orderId, line(products[0]?.id));
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    expectProblem(await openReturn(bob.token, orderId, line(products[0]?.id)), 404, "NOT_FOUND");
    expectProblem(await getReturn(bob.token, id), 404, "NOT_FOUND");
    expectProblem(await call("GET", `/v1/returns/${id}.html`, { token: bob.token }), 404, "NOT_FOUND");
    expectProblem(await call("GET", `/v1/orders/${orderId}/returns`, { token: bob.token }), 404, "NOT_FOUND");
    const bobs = await call<{ data: ReturnView[] }>("GET", `/v1/returns?customer_id=${alice.id}`, { token: bob.token });
    expect(bobs.status).toBe(200);
    expect(bobs.body.data).toEqual([]);
    // Customers do not take the staff steps, even on their own return.
    expectProblem(await step(alice.token, id, "approve"), 403, "FORBIDDEN");
    // Alice sees hers, everywhere.
    expect((await getReturn(alice.token, id)).status).toBe(200);
    const mine = await call<{ data: ReturnView[] }>("GET", "/v1/returns", { token: alice.token });
    expect(mine.body.data.map((r) => r.id)).toContain(id);
    expect(mine.body.data.every((r) => r.customer_id === alice.id)).toBe(true);
    const ofOrder = await call<{ data: ReturnView[] }>("GET", `/v1/orders/${orderId}/returns`, { token: alice.token });
    expect(ofOrder.body.data.map((r) => r.id)).toEqual([id]);
    expect((await getOrder(alice.token, orderId)).body.returns.map((r) => r.id)).toEqual([id]);
  });
});

describe("GET /v1/returns", () => {
  it("filters by status, customer, order, product and time, newest first, in pages", async () => {
    const { id: orderId, products } = await completedOrder(alice, manager, [
      { stock: 5, price: 100, qty: 1 },
      { stock: 5, price: 100, qty: 1 },
    ]);
    const [a, b] = products.map((p) => p.id);
    const first = await openReturn(alice.token, orderId, line(a));
    const second = await openReturn(alice.token, orderId, line(b));
    await step(manager.token, first.body.id, "approve");
    const list = (query: string) =>
      call<{ data: ReturnView[]; next_cursor: string | null }>("GET", `/v1/returns?${query}`, { token: manager.token });
    expect((await list(`order_id=${orderId}`)).body.data.map((r) => r.id)).toEqual([second.body.id, first.body.id]);
    expect((await list(`order_id=${orderId}&status=approved`)).body.data.map((r) => r.id)).toEqual([first.body.id]);
    expect((await list(`product_id=${b}`)).body.data.map((r) => r.id)).toEqual([second.body.id]);
    expect((await list(`customer_id=${alice.id}&order_id=${orderId}`)).body.data).toHaveLength(2);
    expect((await list(`customer_id=${bob.id}`)).body.data).toEqual([]);
    const since = encodeURIComponent(second.body.created_at);
    expect((await list(`order_id=${orderId}&created_from=${since}`)).body.data.map((r) => r.id)).toEqual([
      second.body.id,
    ]);
    const page1 = await list(`order_id=${orderId}&limit=1`);
    expect(page1.body.data.map((r) => r.id)).toEqual([second.body.id]);
    const page2 = await list(`order_id=${orderId}&limit=1&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((r) => r.id)).toEqual([first.body.id]);
    expect(page2.body.next_cursor).toBeNull();
    expectProblem(await list("status=lost"), 400, "VALIDATION_FAILED");
  });
});
