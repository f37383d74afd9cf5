import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, pay, refund, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let admin: SignedIn;
beforeAll(async () => {
  [staff, admin] = await Promise.all([signInAs("manager"), signInAs("admin")]);
});

interface Customer {
  id: string;
  email: string;
  order_count: number;
  total_spent: number;
  last_order_at: string | null;
  last_order: { id: string; status: string; total: number } | null;
}

describe("customers", () => {
  it("show order count, what was paid and not refunded, and the last order", async () => {
    const buyer = await signInAs("customer");
    const product = await stockedProduct(20, 1000);
    const order = async () => (await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 2 }] })).body;
    const paid = await order();
    await pay(staff.token, paid.id);
    const refunded = await order();
    await pay(staff.token, refunded.id);
    await act(staff.token, refunded.id, "fulfil");
    const back = await refund(staff.token, refunded.id, {
      lines: [{ product_id: product.id, qty: 1, restock: true }],
      reason: "r",
    });
    expect(back.body.refunded_subtotal).toBe(1000);
    const cancelled = await order();
    await act(staff.token, cancelled.id, "cancel");
    const pending = await order();

    const res = await call<Customer>("GET", `/v1/customers/${buyer.id}`, { token: staff.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: buyer.id,
      email: buyer.email,
      order_count: 4,
      // The paid order in full, plus the refunded order less its refund; nothing for cancelled or pending.
      total_spent: paid.total + refunded.total - back.body.refunded_total,
      last_order_at: pending.created_at,
      last_order: { id: pending.id, status: "pending", total: pending.total },
    });
  });

  it("are listed for staff with the same figures; customers and other scopes may not look", async () => {
    const buyer = await signInAs("customer");
    const product = await stockedProduct(5, 250);
    const placed = (await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 1 }] })).body;
    await pay(staff.token, placed.id);
    const page = await call<{ data: Customer[] }>("GET", `/v1/customers?email=${encodeURIComponent(buyer.email)}`, {
      token: staff.token,
    });
    expect(page.body.data).toEqual([
      expect.objectContaining({
        id: buyer.id,
        order_count: 1,
        total_spent: placed.total,
        last_order_at: placed.created_at,
      }),
    ]);
    const all = await call<{ data: Customer[] }>("GET", "/v1/customers?limit=200", { token: staff.token });
    expect(all.body.data.every((c) => !c.email.startsWith("manager-"))).toBe(true);
    expectProblem(await call("GET", "/v1/customers", { token: buyer.token }), 403, "FORBIDDEN");
    expectProblem(await call("GET", `/v1/customers/${staff.id}`, { token: staff.token }), 404, "NOT_FOUND");
    const key = await createApiKey(admin, { scopes: ["customers:read"] });
    expect((await call("GET", `/v1/customers/${buyer.id}`, { token: key.secret })).status).toBe(200);
    const wrong = await createApiKey(admin, { scopes: ["orders:read"] });
    expectProblem(await call("GET", "/v1/customers", { token: wrong.secret }), 403, "FORBIDDEN");
  });
});
