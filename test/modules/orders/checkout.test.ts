import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, events, orders, products } from "../../../src/db/schema";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { checkout, db, expectedTax, key, ledger, level, stockedProduct } from "../../support/orders";
import { expectProblem, problemPaths } from "../../support/problem";
import { insertProduct } from "../../support/products";
import { withTaxRate } from "../../support/settings";

let admin: SignedIn;
let manager: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [admin, manager, customer] = await Promise.all([signInAs("admin"), signInAs("manager"), signInAs("customer")]);
});

const ordersOf = (customerId: string) => db.select().from(orders).where(eq(orders.customerId, customerId));

describe("POST /v1/orders", () => {
  it("holds every line, prices from the catalog, merges duplicate lines and totals in minor units", async () => {
    const a = await stockedProduct(10, 1999);
    const b = await stockedProduct(10, 5);
    const res = await checkout(customer.token, {
      lines: [
        { product_id: a.id, qty: 2 },
        { product_id: b.id, qty: 3 },
        { product_id: a.id, qty: 1 },
      ],
      customer_note: "Leave at the door",
      shipping_address: { name: "Ada", line1: "1 Way", city: "London", postal_code: "N1", country: "GB" },
    });
    expect(res.status, res.text).toBe(201);
    const order = res.body;
    expect(res.headers.get("location")).toBe(`/v1/orders/${order.id}`);
    expect(res.headers.get("etag")).toBe('W/"1"');
    expect(order).toMatchObject({ status: "pending", customer_id: customer.id, source: "checkout", version: 1 });
    expect(order.lines).toEqual([
      expect.objectContaining({ product_id: a.id, qty: 3, unit_price: 1999, line_total: 5997, refunded_qty: 0 }),
      expect.objectContaining({ product_id: b.id, qty: 3, unit_price: 5, line_total: 15 }),
    ]);
    expect(order.subtotal).toBe(6012);
    expect(order.tax).toBe(expectedTax(6012, order.tax_rate_bps));
    expect(order.total).toBe(order.subtotal + order.tax);
    const ttlMs = Date.parse(order.expires_at) - Date.parse(order.created_at);
    expect(ttlMs).toBeGreaterThanOrEqual(60_000);
    expect(order.reservations.map((r) => [r.product_id, r.state, r.qty])).toEqual([
      [a.id, "held", 3],
      [b.id, "held", 3],
    ]);
    expect(await level(a.id)).toMatchObject({ on_hand: 10, reserved: 3, available: 7 });
    expect(await level(b.id)).toMatchObject({ on_hand: 10, reserved: 3, available: 7 });

    const created = await db
      .select()
      .from(events)
      .where(and(eq(events.resourceId, order.id), eq(events.type, "order.created")));
    expect(created).toHaveLength(1);
    expect(created[0]?.data).toMatchObject({ id: order.id, version: 1, total: order.total, customer_id: customer.id });
    const audit = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityId, order.id), eq(auditLogs.action, "order.created")));
    expect(audit).toHaveLength(1);
    const [product] = await db.select().from(products).where(eq(products.id, a.id));
    expect(product?.firstOrderedAt).toBe(order.created_at);
  });

  it("lets staff and secret keys order for a named customer, and refuses the wrong callers", async () => {
    const p = await stockedProduct(20);
    const lines = [{ product_id: p.id, qty: 1 }];
    const byStaff = await checkout(manager.token, { lines, customer_id: customer.id });
    expect(byStaff.status, byStaff.text).toBe(201);
    expect(byStaff.body.customer_id).toBe(customer.id);

    const orderKey = await createApiKey(admin, { scopes: ["orders:write"] });
    const byKey = await checkout(orderKey.secret, { lines, customer_id: customer.id, capture: "manual" });
    expect(byKey.status, byKey.text).toBe(201);

    const noCustomer = await checkout(manager.token, { lines });
    expectProblem(noCustomer, 400, "VALIDATION_FAILED");
    expect(problemPaths(noCustomer)).toEqual(["customer_id"]);
    expectProblem(await checkout(orderKey.secret, { lines }), 400, "VALIDATION_FAILED");
    expectProblem(await checkout(manager.token, { lines, customer_id: manager.id }), 400, "VALIDATION_FAILED");

    const other = await signInAs("customer");
    expectProblem(await checkout(customer.token, { lines, customer_id: other.id }), 403, "FORBIDDEN");
    expectProblem(await checkout(customer.token, { lines, capture: "automatic" }), 403, "FORBIDDEN");
    const readKey = await createApiKey(admin, { scopes: ["orders:read"] });
    expectProblem(await checkout(readKey.secret, { lines, customer_id: customer.id }), 403, "FORBIDDEN");
    const publishable = await createApiKey(admin, { type: "publishable" });
    expectProblem(await checkout(publishable.secret, { lines, customer_id: customer.id }), 403, "FORBIDDEN");
    expect(await level(p.id)).toMatchObject({ reserved: 2 });
  });

  it("refuses bad input with a clear error and changes nothing", async () => {
    const p = await stockedProduct(5000);
    const draft = await insertProduct({ status: "draft" });
    const archived = await insertProduct({ status: "archived" });
    const unpriced = await insertProduct();
    await db.update(products).set({ price: null }).where(eq(products.id, unpriced.id));
    const before = (await ordersOf(customer.id)).length;

    const cases: [unknown, string[]][] = [
      [{ lines: [] }, ["lines"]],
      [{ lines: [{ product_id: p.id, qty: 0 }] }, ["lines.0.qty"]],
      [{ lines: [{ product_id: p.id, qty: 1001 }] }, ["lines.0.qty"]],
      [{ lines: [{ product_id: p.id, qty: 1.5 }] }, ["lines.0.qty"]],
      [{ lines: [{ product_id: p.id, qty: 1, price: 1 }] }, ["lines.0.price"]],
      [{ lines: [{ product_id: p.id, qty: 1 }], total: 1 }, ["total"]],
      [{ lines: Array.from({ length: 101 }, () => ({ product_id: p.id, qty: 1 })) }, ["lines"]],
      [
        {
          lines: [
            { product_id: p.id, qty: 600 },
            { product_id: p.id, qty: 401 },
          ],
        },
        ["lines.0.qty"],
      ],
      [
        {
          lines: [
            { product_id: p.id, qty: 1 },
            { product_id: draft.id, qty: 1 },
            { product_id: archived.id, qty: 1 },
            { product_id: unpriced.id, qty: 1 },
            { product_id: "prd_nope", qty: 1 },
          ],
        },
        ["lines.1.product_id", "lines.2.product_id", "lines.3.product_id", "lines.4.product_id"],
      ],
      [{ lines: [{ product_id: p.id, qty: 1 }], shipping_address: { name: "x" } }, ["shipping_address.line1"]],
    ];
    for (const [body, paths] of cases) {
      const res = await checkout(customer.token, body as Record<string, unknown>);
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problemPaths(res), JSON.stringify(body).slice(0, 80)).toEqual(expect.arrayContaining(paths));
    }
    const noKey = await call("POST", "/v1/orders", {
      token: customer.token,
      body: { lines: [{ product_id: p.id, qty: 1 }] },
    });
    expectProblem(noKey, 400, "VALIDATION_FAILED");
    expect(problemPaths(noKey)).toEqual(["Idempotency-Key"]);

    expect(await level(p.id)).toMatchObject({ on_hand: 5000, reserved: 0 });
    expect(await ordersOf(customer.id)).toHaveLength(before);
  });

  it("answers 409 INSUFFICIENT_STOCK with per-line availability and leaves no order behind", async () => {
    const buyer = await signInAs("customer");
    const p = await stockedProduct(2);
    const res = await checkout(buyer.token, { lines: [{ product_id: p.id, qty: 3 }] });
    expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(res.body.lines).toEqual([{ product_id: p.id, requested: 3, available: 2 }]);
    expect(await ordersOf(buyer.id)).toHaveLength(0);
    expect(await level(p.id)).toMatchObject({ on_hand: 2, reserved: 0 });
  });

  it("rolls every line back when line 3 fails: lines 1 and 2 are released, nothing stays held", async () => {
    const buyer = await signInAs("customer");
    const [one, two, three] = await Promise.all([stockedProduct(5), stockedProduct(5), stockedProduct(1)]);
    const res = await checkout(buyer.token, {
      lines: [
        { product_id: one.id, qty: 2 },
        { product_id: two.id, qty: 5 },
        { product_id: three.id, qty: 2 },
      ],
    });
    expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(res.body.lines).toEqual([
      { product_id: one.id, requested: 2, available: 5 },
      { product_id: two.id, requested: 5, available: 5 },
      { product_id: three.id, requested: 2, available: 1 },
    ]);
    for (const p of [one, two]) {
      expect(await level(p.id)).toMatchObject({ on_hand: 5, reserved: 0, available: 5 });
      expect((await ledger(p.id)).map((m) => m.reason)).toEqual(["released", "reserved", "received"]);
    }
    expect(await level(three.id)).toMatchObject({ on_hand: 1, reserved: 0 });
    expect(await ordersOf(buyer.id)).toHaveLength(0);
  });

  it("is idempotent: a repeat replays the order, another body is refused, concurrent twins make one order", async () => {
    const buyer = await signInAs("customer");
    const p = await stockedProduct(10);
    const k = key();
    const body = { lines: [{ product_id: p.id, qty: 2 }] };
    const first = await checkout(buyer.token, body, k);
    const again = await checkout(buyer.token, body, k);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expectProblem(
      await checkout(buyer.token, { lines: [{ product_id: p.id, qty: 3 }] }, k),
      409,
      "IDEMPOTENCY_CONFLICT",
    );
    expect(await level(p.id)).toMatchObject({ reserved: 2 });

    const k2 = key();
    const twins = await Promise.all(Array.from({ length: 8 }, () => checkout(buyer.token, body, k2)));
    expect(twins.map((t) => t.status)).toEqual(Array(8).fill(201));
    expect(new Set(twins.map((t) => t.body.id)).size).toBe(1);
    expect(await level(p.id)).toMatchObject({ reserved: 4 });
    expect(await ordersOf(buyer.id)).toHaveLength(2);
  });

  it("rounds tax half up on the subtotal at the store's rate", async () => {
    await withTaxRate(admin, 1250, async () => {
      // 12.5 % of 1,004 is 125.5: rounded half up to 126. Of 1,003: 125.375 → 125.
      const even = await stockedProduct(5, 1004);
      const down = await stockedProduct(5, 1003);
      const up = await checkout(customer.token, { lines: [{ product_id: even.id, qty: 1 }] });
      expect(up.body).toMatchObject({ tax_rate_bps: 1250, subtotal: 1004, tax: 126, total: 1130 });
      const low = await checkout(customer.token, { lines: [{ product_id: down.id, qty: 1 }] });
      expect(low.body).toMatchObject({ tax_rate_bps: 1250, subtotal: 1003, tax: 125, total: 1128 });
    });
  });
});
