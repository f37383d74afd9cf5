import { env } from "cloudflare:workers";
import { and, asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, DEFAULT_LOCATION_ID, events } from "../../../src/db/schema";
import { runReturnPipelineForEvent } from "../../../src/flows/return-pipeline";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { db, drainOrderEvents, getOrder } from "../../support/orders";
import { expectProblem, problemPaths } from "../../support/problem";
import { agreedStock, completedOrder, getReturn, openReturn, step } from "../../support/returns";
import { withTaxRate } from "../../support/settings";

let manager: SignedIn;
let operator: SignedIn;
let admin: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [manager, operator, admin, customer] = await Promise.all([
    signInAs("manager"),
    signInAs("operator"),
    signInAs("admin"),
    signInAs("customer"),
  ]);
});

const eventsOf = async (resourceId: string) =>
  db
    .select({ id: events.id, type: events.type, data: events.data })
    .from(events)
    .where(eq(events.resourceId, resourceId))
    .orderBy(asc(events.createdAt), asc(events.id));

const auditOf = (entityId: string) =>
  db
    .select({ action: auditLogs.action, actorId: auditLogs.actorId })
    .from(auditLogs)
    .where(and(eq(auditLogs.entityType, "return"), eq(auditLogs.entityId, entityId)))
    .orderBy(asc(auditLogs.id));

describe("an order return, opened by the customer and worked by staff", () => {
  it("goes requested → approved → received (2 of 3 arrive, 1 damaged) → refunded, with stock and money right", async () => {
    await withTaxRate(admin, 1000, async () => {
      const { id: orderId, products } = await completedOrder(customer, manager, [
        { stock: 10, price: 2000, qty: 3 },
        { stock: 5, price: 500, qty: 1 },
      ]);
      const [shirt, mug] = products;
      const shirtId = shirt?.id ?? "";
      expect((await agreedStock(shirtId)).level).toMatchObject({ on_hand: 7, reserved: 0 });

      const opened = await openReturn(customer.token, orderId, {
        lines: [{ product_id: shirtId, qty: 3, reason: "defective" }],
        note: "Seams came apart",
      });
      expect(opened.status, opened.text).toBe(201);
      expect(opened.headers.get("location")).toBe(`/v1/returns/${opened.body.id}`);
      expect(opened.body).toMatchObject({
        id: expect.stringMatching(/^ret_/),
        order_id: orderId,
        customer_id: customer.id,
        status: "requested",
        note: "Seams came apart",
        currency: expect.any(String),
        lines: [{ product_id: shirtId, sku: shirt?.sku, qty: 3, reason: "defective", unit_price: 2000, received: [] }],
        version: 1,
      });
      const returnId = opened.body.id;
      expect((await agreedStock(shirtId)).level).toMatchObject({ on_hand: 7 });

      const approved = await step(operator.token, returnId, "approve", { note: "Send it back" });
      expect(approved.status, approved.text).toBe(200);
      expect(approved.body).toMatchObject({ status: "approved", approved_at: expect.any(String), version: 2 });
      expect((await agreedStock(shirtId)).level).toMatchObject({ on_hand: 7 });

      // One shirt goes back on the shelf at the returns desk, one into damaged stock at the default location.
      const desk = await createLocation({ fulfils_orders: false });
      const received = await step(operator.token, returnId, "receive", {
        lines: [
          { product_id: shirtId, qty: 1, condition: "restock", location_id: desk.id },
          { product_id: shirtId, qty: 1, condition: "damaged" },
          { product_id: shirtId, qty: 1, condition: "missing" },
        ],
      });
      expect(received.status, received.text).toBe(200);
      expect(received.body.status).toBe("received");
      expect(received.body.lines[0]?.received).toEqual([
        { qty: 1, condition: "restock", location_id: desk.id, movement_id: expect.stringMatching(/^mov_/) },
        { qty: 1, condition: "damaged", location_id: DEFAULT_LOCATION_ID, movement_id: expect.stringMatching(/^mov_/) },
        { qty: 1, condition: "missing", location_id: null, movement_id: null },
      ]);
      const afterReceipt = await agreedStock(shirtId);
      expect(afterReceipt.level).toMatchObject({ on_hand: 9, damaged: 1, quarantine: 0, reserved: 0, available: 8 });
      expect(afterReceipt.at(desk.id)).toMatchObject({ on_hand: 1, damaged: 0 });
      expect(afterReceipt.at(DEFAULT_LOCATION_ID)).toMatchObject({ on_hand: 8, damaged: 1 });
      const returned = afterReceipt.ledger.filter((m) => m.reason === "returned");
      expect(returned.map((m) => [m.location_id, m.delta_on_hand, m.delta_damaged, m.reference]).sort()).toEqual(
        [
          [desk.id, 1, 0, returnId],
          [DEFAULT_LOCATION_ID, 1, 1, returnId],
        ].sort(),
      );
      // The pipeline's run of the same receipt moves nothing more.
      const receivedEvent = (await eventsOf(returnId)).find((e) => e.type === "return.received");
      await runReturnPipelineForEvent(env, { event_id: receivedEvent?.id ?? "", type: "return.received" });
      expect((await agreedStock(shirtId)).level).toMatchObject({ on_hand: 9, damaged: 1 });

      const refunded = await step(manager.token, returnId, "refund", { restocking_fee: 300 });
      expect(refunded.status, refunded.text).toBe(200);
      expect(refunded.body).toMatchObject({
        status: "refunded",
        restocking_fee: 300,
        refund_id: expect.stringMatching(/^rfd_/),
      });
      // Two arrived units (the restocked and the damaged one), not the missing one: 4000 + 10 % tax − 300.
      const order = (await getOrder(manager.token, orderId)).body;
      const [refund] = order.refunds;
      expect(refund).toMatchObject({
        id: refunded.body.refund_id,
        subtotal: 4000,
        tax: 400,
        restocking_fee: 300,
        amount: 4100,
        status: "succeeded",
        lines: [{ product_id: shirtId, qty: 2, restock: false, amount: 4000 }],
      });
      expect(order).toMatchObject({
        status: "completed",
        refunded_subtotal: 4000,
        refunded_tax: 400,
        refunded_total: 4100,
      });
      expect(order.lines.map((l) => [l.product_id, l.refunded_qty])).toEqual([
        [shirtId, 2],
        [mug?.id, 0],
      ]);
      expect(order.returns).toEqual([
        { id: returnId, status: "refunded", refund_id: refund?.id, created_at: opened.body.created_at },
      ]);
      // Refunding did not restock again: receiving already moved the units.
      expect((await agreedStock(shirtId)).level).toMatchObject({ on_hand: 9, damaged: 1 });

      // The order pipeline issues the invoice and the credit note, which keeps the fee back.
      await drainOrderEvents(orderId);
      const invoice = (await getOrder(manager.token, orderId)).body.invoices[0];
      const detail = await call<{ credit_notes: { total: number; restocking_fee: number; subtotal: number }[] }>(
        "GET",
        `/v1/invoices/${invoice?.id}`,
        { token: manager.token },
      );
      expect(detail.body.credit_notes).toMatchObject([{ subtotal: 4000, restocking_fee: 300, total: 4100 }]);

      expect((await eventsOf(returnId)).map((e) => e.type)).toEqual([
        "return.requested",
        "return.approved",
        "return.received",
        "return.refunded",
      ]);
      expect(await auditOf(returnId)).toEqual([
        { action: "return.requested", actorId: customer.id },
        { action: "return.approved", actorId: operator.id },
        { action: "return.received", actorId: operator.id },
        { action: "return.refunded", actorId: manager.id },
      ]);
      expect((await getReturn(customer.token, returnId)).body.status).toBe("refunded");
    });
  });

  it("receives into quarantine at a chosen location, and refuses unknown or inactive locations, changing nothing", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 4, price: 500, qty: 2 }]);
    const productId = products[0]?.id ?? "";
    const opened = await openReturn(customer.token, orderId, {
      lines: [{ product_id: productId, qty: 2, reason: "not_as_described" }],
    });
    await step(operator.token, opened.body.id, "approve");
    const closed = await createLocation({ active: false });
    const refused = await step(operator.token, opened.body.id, "receive", {
      lines: [
        { product_id: productId, qty: 1, condition: "quarantine", location_id: "loc_nowhere" },
        { product_id: productId, qty: 1, condition: "restock", location_id: closed.id },
      ],
    });
    expectProblem(refused, 400, "VALIDATION_FAILED");
    expect(problemPaths(refused)).toEqual(["lines.0.location_id", "lines.1.location_id"]);
    expect((await getReturn(operator.token, opened.body.id)).body.status).toBe("approved");
    const before = await agreedStock(productId);

    const lab = await createLocation({ fulfils_orders: false });
    const received = await step(operator.token, opened.body.id, "receive", {
      lines: [{ product_id: productId, qty: 2, condition: "quarantine", location_id: lab.id }],
    });
    expect(received.status, received.text).toBe(200);
    const after = await agreedStock(productId);
    expect(after.level).toMatchObject({
      on_hand: before.level.on_hand + 2,
      quarantine: 2,
      available: before.level.available,
    });
    expect(after.at(lab.id)).toMatchObject({ on_hand: 2, quarantine: 2, available: 0 });
  });

  it("prints a return slip the customer can put in the parcel, with user text escaped", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 3, price: 999, qty: 2 }]);
    const opened = await openReturn(customer.token, orderId, {
      lines: [{ product_id: products[0]?.id, qty: 2, reason: "wrong_item" }],
      note: "<script>alert(1)</script>",
    });
    const slip = await call("GET", `/v1/returns/${opened.body.id}.html`, { token: customer.token });
    expect(slip.status).toBe(200);
    expect(slip.headers.get("content-type")).toContain("text/html");
    expect(slip.text).toContain(opened.body.id);
    expect(slip.text).toContain(products[0]?.sku ?? "");
    expect(slip.text).toContain("wrong item");
    expect(slip.text).not.toContain("<script>");
    expect(slip.text).toContain("&lt;script&gt;");
  });

  it("rejects with a reason, and closes without refund; terminal states refuse every further step", async () => {
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 5, price: 100, qty: 2 }]);
    const productId = products[0]?.id ?? "";
    const first = await openReturn(customer.token, orderId, {
      lines: [{ product_id: productId, qty: 1, reason: "no_longer_needed" }],
    });
    const rejected = await step(operator.token, first.body.id, "reject", { reason: "Opened and used" });
    expect(rejected.body).toMatchObject({ status: "rejected", decision_reason: "Opened and used" });
    for (const name of ["approve", "receive", "refund", "close"] as const) {
      const res = await step(manager.token, first.body.id, name, name === "receive" ? { lines: [] } : {});
      expect([400, 409]).toContain(res.status);
    }
    // A rejected return no longer holds its units: both may be returned again.
    const second = await openReturn(customer.token, orderId, {
      lines: [{ product_id: productId, qty: 2, reason: "other" }],
    });
    expect(second.status, second.text).toBe(201);
    await step(operator.token, second.body.id, "approve");
    const received = await step(operator.token, second.body.id, "receive", {
      lines: [{ product_id: productId, qty: 2, condition: "missing" }],
    });
    expect(received.status, received.text).toBe(200);
    const refused = await step(manager.token, second.body.id, "refund", {});
    expect(refused.status).toBe(409);
    const closed = await step(operator.token, second.body.id, "close", { note: "Parcel never arrived" });
    expect(closed.body).toMatchObject({ status: "closed", closed_at: expect.any(String) });
    expect((await eventsOf(second.body.id)).map((e) => e.type)).toEqual([
      "return.requested",
      "return.approved",
      "return.received",
      "return.closed",
    ]);
    expect((await agreedStock(productId)).level).toMatchObject({ on_hand: 3 });
  });
});
