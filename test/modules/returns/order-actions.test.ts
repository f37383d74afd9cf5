import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { act, checkout, getOrder, level, pay, refund, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { completedOrder, openReturn, step } from "../../support/returns";

/*
 * A unit comes back to the shelf once: through its return's receipt, or through the
 * order's own refund or cancellation, never both.
 */

let manager: SignedIn;
let operator: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [manager, operator, customer] = await Promise.all([signInAs("manager"), signInAs("operator"), signInAs("customer")]);
});

/** A paid, not yet fulfilled order of 2 units, out of 10 on the shelf. */
async function paidOrder() {
  const product = await stockedProduct(10, 1000);
  const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 2 }] });
  expect(created.status, created.text).toBe(201);
  expect((await pay(manager.token, created.body.id)).status).toBe(200);
  return { orderId: created.body.id, productId: product.id };
}

const returnOf = async (orderId: string, productId: string, qty: number) => {
  const opened = await openReturn(customer.token, orderId, {
    lines: [{ product_id: productId, qty, reason: "defective" }],
  });
  expect(opened.status, opened.text).toBe(201);
  return opened.body.id;
};

describe("cancelling a paid order with a return", () => {
  it("is refused while the return is open or after its units came back, and the stock stays right", async () => {
    const { orderId, productId } = await paidOrder();
    const returnId = await returnOf(orderId, productId, 2);
    const whileRequested = await act(manager.token, orderId, "cancel", { reason: "changed" });
    expectProblem(whileRequested, 409, "CONFLICT");
    expect(whileRequested.body).toMatchObject({ return_id: returnId, return_status: "requested" });

    expect((await step(manager.token, returnId, "approve")).status).toBe(200);
    const received = await step(manager.token, returnId, "receive", {
      lines: [{ product_id: productId, qty: 2, condition: "restock" }],
    });
    expect(received.status, received.text).toBe(200);
    expect((await level(productId)).on_hand).toBe(10);

    expectProblem(await act(manager.token, orderId, "cancel", { reason: "changed" }), 409, "CONFLICT");
    expect((await step(manager.token, returnId, "close")).status).toBe(200);
    // Closed without a refund, its units are still back on the shelf: cancelling would restock them again.
    expectProblem(await act(manager.token, orderId, "cancel", { reason: "changed" }), 409, "CONFLICT");
    expect((await getOrder(manager.token, orderId)).body).toMatchObject({ status: "processing", refunded_total: 0 });
    expect((await level(productId)).on_hand).toBe(10);
  });

  it("goes through once a return was rejected, restocking every unit once", async () => {
    const { orderId, productId } = await paidOrder();
    const returnId = await returnOf(orderId, productId, 1);
    expect((await step(manager.token, returnId, "reject", { reason: "not eligible" })).status).toBe(200);
    const cancelled = await act(manager.token, orderId, "cancel", { reason: "changed" });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect((await level(productId)).on_hand).toBe(10);
  });

  it("tells another customer nothing of the order's returns: its 404 comes first", async () => {
    const { orderId, productId } = await paidOrder();
    const returnId = await returnOf(orderId, productId, 1);
    const stranger = await signInAs("customer");
    const res = await act(stranger.token, orderId, "cancel", { reason: "x" });
    expectProblem(res, 404, "NOT_FOUND");
    expect(res.text).not.toContain(returnId);
  });

  it("needs the right to refund: an operator may not cancel a paid order", async () => {
    const { orderId, productId } = await paidOrder();
    expectProblem(await act(operator.token, orderId, "cancel", { reason: "x" }), 403, "FORBIDDEN");
    expect((await getOrder(manager.token, orderId)).body).toMatchObject({ status: "processing", refunded_total: 0 });
    expect((await level(productId)).on_hand).toBe(8);
  });
});

describe("refunding an order directly while a return is open", () => {
  it("leaves the return's units to the return, and refunds the others", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 10, price: 1000, qty: 3 }]);
    const productId = products[0]?.id ?? "";
    const returnId = await returnOf(orderId, productId, 2);

    const taken = await refund(manager.token, orderId, {
      reason: "defective",
      lines: [{ product_id: productId, qty: 2, restock: true }],
    });
    expectProblem(taken, 409, "CONFLICT");
    expect(taken.body).toMatchObject({
      lines: [{ product_id: productId, requested: 2, refundable: 1, in_open_returns: 2 }],
    });

    const rest = await refund(manager.token, orderId, {
      reason: "defective",
      lines: [{ product_id: productId, qty: 1, restock: true }],
    });
    expect(rest.status, rest.text).toBe(200);
    // Nothing is left outside the return now.
    expectProblem(await refund(manager.token, orderId, { reason: "goodwill" }), 409, "CONFLICT");

    expect((await step(manager.token, returnId, "approve")).status).toBe(200);
    const received = await step(manager.token, returnId, "receive", {
      lines: [{ product_id: productId, qty: 2, condition: "restock" }],
    });
    expect(received.status, received.text).toBe(200);
    expect((await step(manager.token, returnId, "refund")).status).toBe(200);
    expect((await level(productId)).on_hand).toBe(10);
    expect((await getOrder(manager.token, orderId)).body).toMatchObject({ status: "refunded", refunded_total: 3000 });
  });
});
