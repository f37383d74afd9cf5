import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import {
  act,
  checkout,
  drainOrderEvents,
  getOrder,
  ledger,
  level,
  pay,
  refund,
  stockedProduct,
} from "../../support/orders";
import { expectProblem, problemPaths } from "../../support/problem";
import { withTaxRate } from "../../support/settings";

let manager: SignedIn;
let admin: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [manager, admin, customer] = await Promise.all([signInAs("manager"), signInAs("admin"), signInAs("customer")]);
});

/** A completed order of `lines` (product stock, unit price, qty ordered). */
async function completedOrder(lines: { stock: number; price: number; qty: number }[]) {
  const products = await Promise.all(lines.map((l) => stockedProduct(l.stock, l.price)));
  const created = await checkout(customer.token, {
    lines: products.map((p, i) => ({ product_id: p.id, qty: lines[i]?.qty ?? 1 })),
  });
  expect(created.status, created.text).toBe(201);
  expect((await pay(manager.token, created.body.id)).status).toBe(200);
  expect((await act(manager.token, created.body.id, "fulfil")).status).toBe(200);
  return { id: created.body.id, products };
}

describe("POST /v1/orders/{id}/refund", () => {
  it("refunds a line with restock: a `restock` movement puts the units back and the order stays completed", async () => {
    const { id, products } = await completedOrder([
      { stock: 10, price: 1500, qty: 3 },
      { stock: 10, price: 200, qty: 1 },
    ]);
    const [shirt, mug] = products;
    expect(await level(shirt?.id ?? "")).toMatchObject({ on_hand: 7, reserved: 0 });
    const res = await refund(manager.token, id, {
      lines: [{ product_id: shirt?.id, qty: 2, restock: true }],
      reason: "wrong size",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "completed", refunded_subtotal: 3000 });
    expect(res.body.refunded_total).toBe(res.body.refunded_subtotal + res.body.refunded_tax);
    expect(res.body.lines.map((l) => [l.product_id, l.refunded_qty])).toEqual([
      [shirt?.id, 2],
      [mug?.id, 0],
    ]);
    const [record] = res.body.refunds;
    expect(record).toMatchObject({ status: "succeeded", reason: "wrong size", subtotal: 3000 });
    expect(record?.amount).toBe((record?.subtotal ?? 0) + (record?.tax ?? 0));
    expect(await level(shirt?.id ?? "")).toMatchObject({ on_hand: 9, reserved: 0 });
    const [movement] = await ledger(shirt?.id ?? "");
    expect(movement).toMatchObject({ reason: "restock", delta_on_hand: 2, delta_reserved: 0, reference: record?.id });
    expect(await level(mug?.id ?? "")).toMatchObject({ on_hand: 9 });
  });

  it("refunds without restock: money back, no stock movement", async () => {
    const { id, products } = await completedOrder([{ stock: 5, price: 999, qty: 2 }]);
    const product = products[0];
    const before = await ledger(product?.id ?? "");
    const res = await refund(manager.token, id, {
      lines: [{ product_id: product?.id, qty: 1, restock: false }],
      reason: "arrived broken",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.refunds[0]?.lines).toEqual([{ product_id: product?.id, qty: 1, restock: false, amount: 999 }]);
    expect(await ledger(product?.id ?? "")).toEqual(before);
    expect(await level(product?.id ?? "")).toMatchObject({ on_hand: 3 });
  });

  it("partial refunds add up to the order exactly, tax included, and the last one makes it refunded", async () => {
    await withTaxRate(admin, 1999, async () => {
      const { id, products } = await completedOrder([
        { stock: 10, price: 333, qty: 3 },
        { stock: 10, price: 101, qty: 1 },
      ]);
      const [a, b] = products;
      const order = (await getOrder(manager.token, id)).body;
      expect(order.tax_rate_bps).toBe(1999);
      expect(order.subtotal).toBe(1100);
      expect(order.tax).toBe(220); // 1100 × 19.99 % = 219.89 → 220
      const steps = [
        [{ product_id: a?.id, qty: 1, restock: true }],
        [{ product_id: b?.id, qty: 1, restock: false }],
        [{ product_id: a?.id, qty: 1, restock: false }],
        [{ product_id: a?.id, qty: 1, restock: true }],
      ];
      let last = order;
      for (const lines of steps) {
        const res = await refund(manager.token, id, { lines, reason: "partial" });
        expect(res.status, res.text).toBe(200);
        last = res.body;
      }
      expect(last.status).toBe("refunded");
      expect(last.refunded_at).not.toBeNull();
      expect(last.refunds.reduce((s, r) => s + r.subtotal, 0)).toBe(order.subtotal);
      expect(last.refunds.reduce((s, r) => s + r.tax, 0)).toBe(order.tax);
      expect(last.refunds.reduce((s, r) => s + r.amount, 0)).toBe(order.total);
      expect(last).toMatchObject({ refunded_subtotal: 1100, refunded_tax: 220, refunded_total: 1320 });
      expectProblem(await refund(manager.token, id, { reason: "again" }), 409, "INVALID_TRANSITION");
      expect(await level(a?.id ?? "")).toMatchObject({ on_hand: 9 });
    });
  });

  it("refuses what cannot be refunded, changing nothing", async () => {
    const { id, products } = await completedOrder([{ stock: 5, price: 100, qty: 2 }]);
    const product = products[0];
    const other = await stockedProduct(1);
    const tooMany = await refund(manager.token, id, {
      lines: [{ product_id: product?.id, qty: 3, restock: true }],
      reason: "x",
    });
    expectProblem(tooMany, 409, "CONFLICT");
    expect(tooMany.body.lines).toEqual([{ product_id: product?.id, requested: 3, refundable: 2, in_open_returns: 0 }]);
    const notInOrder = await refund(manager.token, id, {
      lines: [{ product_id: other.id, qty: 1, restock: true }],
      reason: "x",
    });
    expectProblem(notInOrder, 400, "VALIDATION_FAILED");
    expect(problemPaths(notInOrder)).toEqual(["lines.0.product_id"]);
    const twice = await refund(manager.token, id, {
      lines: [
        { product_id: product?.id, qty: 1, restock: true },
        { product_id: product?.id, qty: 1, restock: true },
      ],
      reason: "x",
    });
    expectProblem(twice, 400, "VALIDATION_FAILED");
    expectProblem(await refund(manager.token, id, { lines: [], reason: "x" }), 400, "VALIDATION_FAILED");
    expectProblem(
      await refund(manager.token, id, { lines: [{ product_id: product?.id, qty: 1, restock: true }] }),
      400,
      "VALIDATION_FAILED",
    );
    const noKey = await call("POST", `/v1/orders/${id}/refund`, { token: manager.token, body: { reason: "x" } });
    expectProblem(noKey, 400, "VALIDATION_FAILED");
    const operator = await signInAs("operator");
    expectProblem(await refund(operator.token, id, { reason: "x" }), 403, "FORBIDDEN");
    const after = (await getOrder(manager.token, id)).body;
    expect(after).toMatchObject({ status: "completed", refunded_total: 0, refunds: [] });
    expect(await level(product?.id ?? "")).toMatchObject({ on_hand: 3 });
  });

  it("concurrent refunds never return the same unit twice", async () => {
    const { id, products } = await completedOrder([{ stock: 5, price: 100, qty: 3 }]);
    const product = products[0];
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        refund(manager.token, id, { lines: [{ product_id: product?.id, qty: 1, restock: true }], reason: "race" }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const after = (await getOrder(manager.token, id)).body;
    expect(after).toMatchObject({ status: "refunded", refunded_total: 300 });
    expect(after.refunds).toHaveLength(3);
    expect(await level(product?.id ?? "")).toMatchObject({ on_hand: 5 });
  });

  it("the ledger, the invoice and the credit note agree after a refund with restock", async () => {
    const { id, products } = await completedOrder([
      { stock: 8, price: 2500, qty: 2 },
      { stock: 8, price: 750, qty: 4 },
    ]);
    const [lamp, bulb] = products;
    const res = await refund(manager.token, id, {
      lines: [{ product_id: bulb?.id, qty: 3, restock: true }],
      reason: "not needed",
    });
    await drainOrderEvents(id);
    const order = (await getOrder(manager.token, id)).body;
    const [invoiceRef] = order.invoices;
    const invoice = (await call<InvoiceBody>("GET", `/v1/invoices/${invoiceRef?.id}`, { token: manager.token })).body;
    expect(invoice).toMatchObject({
      order_id: id,
      status: "issued",
      subtotal: order.subtotal,
      tax: order.tax,
      total: order.total,
    });
    expect(invoice.lines.map((l) => [l.product_id, l.qty, l.unit_price, l.line_total])).toEqual([
      [lamp?.id, 2, 2500, 5000],
      [bulb?.id, 4, 750, 3000],
    ]);
    const [note] = invoice.credit_notes;
    const [record] = res.body.refunds;
    expect(note).toMatchObject({ refund_id: record?.id, subtotal: 2250, tax: record?.tax, total: record?.amount });
    expect(note?.lines).toEqual([
      expect.objectContaining({ product_id: bulb?.id, qty: 3, unit_price: 750, line_total: 2250, restocked: true }),
    ]);
    expect(invoice.credited_total).toBe(order.refunded_total);
    const [movement] = await ledger(bulb?.id ?? "");
    expect(movement).toMatchObject({ reason: "restock", delta_on_hand: 3, reference: record?.id });
    expect(await level(bulb?.id ?? "")).toMatchObject({ on_hand: 7 });
  });
});

interface InvoiceBody {
  order_id: string;
  lines: { product_id: string; qty: number; unit_price: number; line_total: number }[];
  credit_notes: { refund_id: string; subtotal: number; tax: number; total: number; lines: unknown[] }[];
  credited_total: number;
}
