import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { returnLines, returns } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { checkout, db, getOrder, refund } from "../../support/orders";
import { expectProblem, problemPaths } from "../../support/problem";
import { completedOrder, completedOrderOf100Lines, openReturn, step } from "../../support/returns";

let manager: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [manager, customer] = await Promise.all([signInAs("manager"), signInAs("customer")]);
});

const countReturns = async (orderId: string) =>
  (await db.select({ id: returns.id }).from(returns).where(eq(returns.orderId, orderId))).length;

describe("what an order line may still return", () => {
  it("refuses more than was bought minus what is in open returns or refunded: 409 with every line's limit", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [
      { stock: 10, price: 100, qty: 3 },
      { stock: 10, price: 200, qty: 2 },
    ]);
    const [a, b] = products.map((p) => p.id);
    expect(
      (await openReturn(customer.token, orderId, { lines: [{ product_id: a, qty: 2, reason: "other" }] })).status,
    ).toBe(201);
    expect(
      (await refund(manager.token, orderId, { lines: [{ product_id: b, qty: 1, restock: false }], reason: "goodwill" }))
        .status,
    ).toBe(200);
    const refused = await openReturn(customer.token, orderId, {
      lines: [
        { product_id: a, qty: 2, reason: "other" },
        { product_id: b, qty: 1, reason: "other" },
      ],
    });
    const problem = expectProblem(refused, 409, "CONFLICT");
    expect(problem.lines).toEqual([
      { product_id: a, requested: 2, returnable: 1 },
      { product_id: b, requested: 1, returnable: 1 },
    ]);
    expect(await countReturns(orderId)).toBe(1);
    // Exactly what is left is fine.
    const rest = await openReturn(customer.token, orderId, {
      lines: [
        { product_id: a, qty: 1, reason: "other" },
        { product_id: b, qty: 1, reason: "other" },
      ],
    });
    expect(rest.status, rest.text).toBe(201);
  });

  it("refuses lines not on the order, named twice, or malformed, changing nothing", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 5, price: 100, qty: 1 }]);
    const a = products[0]?.id;
    const twice = await openReturn(customer.token, orderId, {
      lines: [
        { product_id: a, qty: 1, reason: "other" },
        { product_id: a, qty: 1, reason: "other" },
        { product_id: "prd_nope", qty: 1, reason: "other" },
      ],
    });
    expectProblem(twice, 400, "VALIDATION_FAILED");
    expect(problemPaths(twice)).toEqual(["lines.1.product_id", "lines.2.product_id"]);
    const bad = await openReturn(customer.token, orderId, { lines: [{ product_id: a, qty: 0, reason: "bored" }] });
    expectProblem(bad, 400, "VALIDATION_FAILED");
    expect(problemPaths(bad)).toEqual(["lines.0.qty", "lines.0.reason"]);
    expectProblem(await openReturn(customer.token, orderId, { lines: [] }), 400, "VALIDATION_FAILED");
    expect(await countReturns(orderId)).toBe(0);
  });

  it("refuses orders not paid yet", async () => {
    const { products } = await completedOrder(customer, manager, [{ stock: 5, price: 100, qty: 1 }]);
    const pending = await checkout(customer.token, { lines: [{ product_id: products[0]?.id, qty: 1 }] });
    const res = await openReturn(customer.token, pending.body.id, {
      lines: [{ product_id: products[0]?.id, qty: 1, reason: "other" }],
    });
    expectProblem(res, 409, "INVALID_TRANSITION");
  });

  it("lets only one of many concurrent returns take the last units", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 5, price: 100, qty: 2 }]);
    const body = { lines: [{ product_id: products[0]?.id, qty: 2, reason: "other" }] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => openReturn(customer.token, orderId, body)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await countReturns(orderId)).toBe(1);
  });

  it("a direct refund leaves the units of an open return to it, so money never passes what was paid", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 5, price: 700, qty: 2 }]);
    const a = products[0]?.id ?? "";
    const opened = await openReturn(customer.token, orderId, { lines: [{ product_id: a, qty: 1, reason: "damaged" }] });
    await step(manager.token, opened.body.id, "approve");
    await step(manager.token, opened.body.id, "receive", { lines: [{ product_id: a, qty: 1, condition: "damaged" }] });
    const all = await refund(manager.token, orderId, {
      lines: [{ product_id: a, qty: 2, restock: false }],
      reason: "all",
    });
    expectProblem(all, 409, "CONFLICT");
    expect(all.body).toMatchObject({ lines: [{ product_id: a, requested: 2, refundable: 1, in_open_returns: 1 }] });
    const rest = await refund(manager.token, orderId, {
      lines: [{ product_id: a, qty: 1, restock: false }],
      reason: "rest",
    });
    expect(rest.status, rest.text).toBe(200);
    expect((await step(manager.token, opened.body.id, "refund", {})).status).toBe(200);
    const order = (await getOrder(manager.token, orderId)).body;
    expect(order.refunded_total).toBe(order.total);
    expect(order.refunds).toHaveLength(2);
  });

  it("refuses a restocking fee larger than the refund", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 5, price: 100, qty: 1 }]);
    const a = products[0]?.id ?? "";
    const opened = await openReturn(customer.token, orderId, { lines: [{ product_id: a, qty: 1, reason: "other" }] });
    await step(manager.token, opened.body.id, "approve");
    await step(manager.token, opened.body.id, "receive", { lines: [{ product_id: a, qty: 1, condition: "restock" }] });
    expectProblem(await step(manager.token, opened.body.id, "refund", { restocking_fee: 10_000 }), 409, "CONFLICT");
    expect((await getOrder(manager.token, orderId)).body.refunds).toEqual([]);
  });

  it("takes an order's 100 lines in one return and one receipt (D1's parameter limit is never reached)", async () => {
    const { orderId, productIds } = await completedOrderOf100Lines(customer.id);
    const res = await openReturn(customer.token, orderId, {
      lines: productIds.map((product_id) => ({ product_id, qty: 2, reason: "other" })),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.lines).toHaveLength(100);
    expect(await db.select().from(returnLines).where(eq(returnLines.returnId, res.body.id))).toHaveLength(100);
    await step(manager.token, res.body.id, "approve");
    const received = await step(manager.token, res.body.id, "receive", {
      lines: productIds.flatMap((product_id) => [
        { product_id, qty: 1, condition: "restock" },
        { product_id, qty: 1, condition: "missing" },
      ]),
    });
    expect(received.status, received.text).toBe(200);
    expect(received.body.lines.every((l) => l.received.length === 2)).toBe(true);
    const refunded = await step(manager.token, res.body.id, "refund", {});
    expect(refunded.status, refunded.text).toBe(200);
    const order = (await getOrder(manager.token, orderId)).body;
    expect(order.lines.every((l) => l.refunded_qty === 1)).toBe(true);
    expect(order.refunded_subtotal).toBe(100 * 10);
  }, 120_000);
});
