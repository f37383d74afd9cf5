import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orders } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, db, level, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { changeSettings, getSettings } from "../../support/settings";

let admin: SignedIn;
let staff: SignedIn;
let before: { max_units_per_product_per_order: number; max_open_orders_per_customer: number };
beforeAll(async () => {
  [admin, staff] = await Promise.all([signInAs("admin"), signInAs("operator")]);
  const { max_units_per_product_per_order, max_open_orders_per_customer } = (await getSettings(admin)).body;
  before = { max_units_per_product_per_order, max_open_orders_per_customer };
});
afterAll(() => changeSettings(admin, before));

const openOrdersOf = (customerId: string) =>
  db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.customerId, customerId), inArray(orders.status, ["pending", "paying"])));

describe("checkout limits against hoarding", () => {
  it("are settings of at least 1, refused otherwise", async () => {
    for (const bad of [{ max_units_per_product_per_order: 0 }, { max_open_orders_per_customer: 1.5 }]) {
      const current = await getSettings(admin);
      const res = await call("PATCH", "/v1/settings", {
        token: admin.token,
        headers: { "if-match": current.headers.get("etag") ?? "" },
        body: bad,
      });
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
  });

  it("refuses more units of a product than the limit, merged lines included, holding nothing", async () => {
    await changeSettings(admin, { max_units_per_product_per_order: 20 });
    const customer = await signInAs("customer");
    const product = await stockedProduct(100);
    const over = await checkout(customer.token, {
      lines: [
        { product_id: product.id, qty: 15 },
        { product_id: product.id, qty: 6 },
      ],
    });
    expectProblem(over, 409, "ORDER_LIMIT_REACHED");
    expect(over.body).toMatchObject({ limit: "max_units_per_product_per_order", value: 20, product_id: product.id });
    expect(await level(product.id)).toMatchObject({ on_hand: 100, reserved: 0 });

    expect((await checkout(customer.token, { lines: [{ product_id: product.id, qty: 20 }] })).status).toBe(201);
    // Staff ordering for the customer are not limited.
    const byStaff = await checkout(staff.token, {
      customer_id: customer.id,
      lines: [{ product_id: product.id, qty: 30 }],
    });
    expect(byStaff.status, byStaff.text).toBe(201);
    expect(await level(product.id)).toMatchObject({ on_hand: 100, reserved: 50 });
  });

  it("lets exactly N of 10 racing checkouts of one customer through, and the next once one is cancelled", async () => {
    const limit = 3;
    await changeSettings(admin, { max_open_orders_per_customer: limit });
    const customer = await signInAs("customer");
    const product = await stockedProduct(100);
    const body = { lines: [{ product_id: product.id, qty: 2 }] };

    const racing = await Promise.all(Array.from({ length: 10 }, () => checkout(customer.token, body)));
    const placed = racing.filter((r) => r.status === 201);
    expect(placed).toHaveLength(limit);
    for (const refused of racing.filter((r) => r.status !== 201)) {
      expectProblem(refused, 409, "ORDER_LIMIT_REACHED");
      expect(refused.body).toMatchObject({ limit: "max_open_orders_per_customer", value: limit });
    }
    expect(await openOrdersOf(customer.id)).toHaveLength(limit);
    // The refused checkouts released what they had held.
    expect(await level(product.id)).toMatchObject({ on_hand: 100, reserved: 2 * limit });

    expectProblem(await checkout(customer.token, body), 409, "ORDER_LIMIT_REACHED");
    expect((await act(customer.token, placed[0]?.body.id ?? "", "cancel")).status).toBe(200);
    expect((await checkout(customer.token, body)).status).toBe(201);
    // Another customer is not held back by this one's orders.
    expect((await checkout((await signInAs("customer")).token, body)).status).toBe(201);
  });
});
