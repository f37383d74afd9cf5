import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema";
import { sellDirect } from "../../src/flows/point-of-sale/sale";
import type { InvoiceDetail } from "../../src/modules/invoices/schemas";
import { orderDeps } from "../../src/modules/orders/store";
import { createApiKey, type SignedIn, signInAs, userActorOf } from "../support/auth";
import { call } from "../support/http";
import {
  db,
  decliningProvider,
  failingBatches,
  getOrder,
  key,
  ledger,
  level,
  staffMeta,
  stockedProduct,
} from "../support/orders";
import { expectProblem } from "../support/problem";

let clerk: SignedIn;
let admin: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [clerk, admin, customer] = await Promise.all([signInAs("operator"), signInAs("admin"), signInAs("customer")]);
});

const sell = (token: string, body: unknown, idempotencyKey = key()) =>
  call<InvoiceDetail & { lines: unknown }>("POST", "/v1/invoices", {
    token,
    body,
    headers: { "idempotency-key": idempotencyKey },
  });

const CASH = { provider: "manual", method: "cash", reference: "till 2" };

describe("POST /v1/invoices (direct sale)", () => {
  it("sells, takes the money and invoices in one call", async () => {
    const [a, b] = await Promise.all([stockedProduct(5, 1200), stockedProduct(5, 350)]);
    const res = await sell(clerk.token, {
      lines: [
        { product_id: a.id, qty: 2 },
        { product_id: b.id, qty: 1 },
      ],
      payment: CASH,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("location")).toBe(`/v1/invoices/${res.body.id}`);
    expect(res.body).toMatchObject({ status: "issued", customer_id: null, subtotal: 2750 });
    expect(res.body.total).toBe(res.body.subtotal + res.body.tax);
    expect(await level(a.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    expect(await level(b.id)).toMatchObject({ on_hand: 4, reserved: 0 });
    expect((await ledger(a.id)).map((m) => m.reason)).toEqual(["sale", "reserved", "received"]);
    const order = (await getOrder(clerk.token, res.body.order_id)).body;
    expect(order).toMatchObject({ status: "completed", source: "direct_sale", capture_mode: "manual" });
    expect(order.payments).toEqual([
      expect.objectContaining({ status: "succeeded", details: { method: "cash", reference: "till 2" } }),
    ]);
    expect(order.invoices.map((i) => i.id)).toEqual([res.body.id]);
  });

  it("is idempotent: a repeat replays the invoice and sells nothing more", async () => {
    const p = await stockedProduct(5, 100);
    const k = key();
    const body = { lines: [{ product_id: p.id, qty: 1 }], customer_id: customer.id, payment: CASH };
    const [first, twin] = await Promise.all([sell(clerk.token, body, k), sell(clerk.token, body, k)]);
    expect(first.status).toBe(201);
    expect(twin.status).toBe(201);
    expect(twin.body.id).toBe(first.body.id);
    expect((await sell(clerk.token, body, k)).body.id).toBe(first.body.id);
    expect(first.body.customer_id).toBe(customer.id);
    expect(await level(p.id)).toMatchObject({ on_hand: 4 });
  });

  it("is all or nothing: a short line sells nothing and leaves no order", async () => {
    const [a, b] = await Promise.all([stockedProduct(5, 100), stockedProduct(1, 100)]);
    const k = key();
    const res = await sell(
      clerk.token,
      {
        lines: [
          { product_id: a.id, qty: 2 },
          { product_id: b.id, qty: 2 },
        ],
        payment: CASH,
      },
      k,
    );
    expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(res.body.lines).toEqual([
      { product_id: a.id, requested: 2, available: 5 },
      { product_id: b.id, requested: 2, available: 1 },
    ]);
    expect(await level(a.id)).toMatchObject({ on_hand: 5, reserved: 0 });
    expect(
      await db
        .select()
        .from(orders)
        .where(eq(orders.saleKey, `${clerk.id} ${k}`)),
    ).toHaveLength(0);
  });

  it("a declined payment cancels the sale and gives the stock back", async () => {
    const p = await stockedProduct(3, 100);
    const actor = userActorOf(clerk);
    const deps = { ...orderDeps(env, db), payments: { manual: decliningProvider } };
    const input = {
      lines: [{ product_id: p.id, qty: 2 }],
      payment: { provider: "manual" as const, method: "card" as const },
    };
    await expect(sellDirect(deps, actor, input, key(), staffMeta(actor))).rejects.toMatchObject({
      status: 409,
      options: { extra: { decline_code: "card_declined" } },
    });
    expect(await level(p.id)).toMatchObject({ on_hand: 3, reserved: 0 });
  });

  it("a retry after a failure mid-sale resumes the same sale instead of selling twice", async () => {
    const p = await stockedProduct(4, 100);
    const actor = userActorOf(clerk);
    const k = key();
    const input = {
      lines: [{ product_id: p.id, qty: 1 }],
      payment: { provider: "manual" as const, method: "cash" as const },
    };
    // Checkout (1) and the payment claim (2) land (the workflow commits the payment on its own handle); fulfilment (3) hits an outage.
    const broken = { ...orderDeps(env, db), db: failingBatches((n) => n === 3) };
    await expect(sellDirect(broken, actor, input, k, staffMeta(actor))).rejects.toThrow("D1 unavailable");
    expect(await level(p.id)).toMatchObject({ on_hand: 3 });
    const invoice = await sellDirect(orderDeps(env, db), actor, input, k, staffMeta(actor));
    expect(invoice.status).toBe("issued");
    expect(await level(p.id)).toMatchObject({ on_hand: 3, reserved: 0 });
    const sales = await db
      .select()
      .from(orders)
      .where(eq(orders.saleKey, `${clerk.id} ${k}`));
    expect(sales.map((o) => o.status)).toEqual(["completed"]);
  });

  it("checks its input and its callers", async () => {
    const p = await stockedProduct(3, 100);
    const lines = [{ product_id: p.id, qty: 1 }];
    expectProblem(await sell(clerk.token, { lines }), 400, "VALIDATION_FAILED");
    expectProblem(await sell(clerk.token, { lines, payment: { provider: "cheque" } }), 400, "VALIDATION_FAILED");
    expectProblem(await sell(clerk.token, { lines, payment: CASH, customer_id: clerk.id }), 400, "VALIDATION_FAILED");
    expectProblem(
      await call("POST", "/v1/invoices", { token: clerk.token, body: { lines, payment: CASH } }),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(await sell(customer.token, { lines, payment: CASH }), 403, "FORBIDDEN");
    const key1 = await createApiKey(admin, { scopes: ["invoices:write"] });
    expect((await sell(key1.secret, { lines, payment: CASH })).status).toBe(201);
    expect(await level(p.id)).toMatchObject({ on_hand: 2 });
  });
});
