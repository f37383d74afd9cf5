import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, events, refunds } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/orders";
import { agreedStock, completedOrder, openReturn, type Step, step } from "../../support/returns";

let manager: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [manager, customer] = await Promise.all([signInAs("manager"), signInAs("customer")]);
});

const count = async (returnId: string, type: string) => ({
  events: (
    await db
      .select()
      .from(events)
      .where(and(eq(events.resourceId, returnId), eq(events.type, type)))
  ).length,
  audit: (
    await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityId, returnId), eq(auditLogs.action, type)))
  ).length,
});

/** Twenty callers at once, each with its own Idempotency-Key. */
async function twenty(returnId: string, name: Step, body: unknown) {
  const answers = await Promise.all(Array.from({ length: 20 }, () => step(manager.token, returnId, name, body)));
  expect(
    answers.filter((r) => r.status === 200),
    answers.map((r) => r.text).join("\n"),
  ).toHaveLength(1);
  for (const r of answers.filter((a) => a.status !== 200)) expect(r.body).toMatchObject({ code: "INVALID_TRANSITION" });
  return answers;
}

describe("racing steps of one return with different keys", () => {
  it("20 approvals, 20 receipts and 20 refunds each have one effect", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 10, price: 1000, qty: 3 }]);
    const productId = products[0]?.id ?? "";
    const opened = await openReturn(customer.token, orderId, {
      lines: [{ product_id: productId, qty: 3, reason: "defective" }],
    });
    const returnId = opened.body.id;

    await twenty(returnId, "approve", {});
    expect(await count(returnId, "return.approved")).toEqual({ events: 1, audit: 1 });

    await twenty(returnId, "receive", {
      lines: [
        { product_id: productId, qty: 2, condition: "restock" },
        { product_id: productId, qty: 1, condition: "missing" },
      ],
    });
    expect(await count(returnId, "return.received")).toEqual({ events: 1, audit: 1 });
    const stock = await agreedStock(productId);
    expect(stock.level).toMatchObject({ on_hand: 9 });
    expect(stock.ledger.filter((m) => m.reason === "returned")).toHaveLength(1);

    await twenty(returnId, "refund", {});
    expect(await count(returnId, "return.refunded")).toEqual({ events: 1, audit: 1 });
    const orderRefunds = await db.select().from(refunds).where(eq(refunds.orderId, orderId));
    expect(orderRefunds).toHaveLength(1);
    expect(orderRefunds[0]).toMatchObject({ subtotal: 2000 });
    expect((await agreedStock(productId)).level).toMatchObject({ on_hand: 9 });
  }, 120_000);

  it("a repeated request with the same key replays the first answer and does nothing twice", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 4, price: 300, qty: 1 }]);
    const productId = products[0]?.id ?? "";
    const body = { lines: [{ product_id: productId, qty: 1, reason: "other" }] };
    const first = await openReturn(customer.token, orderId, body, "open-once");
    const again = await openReturn(customer.token, orderId, body, "open-once");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    await step(manager.token, first.body.id, "approve");
    const receipt = { lines: [{ product_id: productId, qty: 1, condition: "restock" }] };
    const received = await step(manager.token, first.body.id, "receive", receipt, "receive-once");
    const replayed = await step(manager.token, first.body.id, "receive", receipt, "receive-once");
    expect(replayed.text).toBe(received.text);
    expect((await agreedStock(productId)).level).toMatchObject({ on_hand: 4 });
  });
});
