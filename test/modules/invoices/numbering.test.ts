import { env } from "cloudflare:workers";
import { and, asc, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { creditNotes, documentCounters, events, invoices } from "../../../src/db/schema";
import { runOrderPipeline } from "../../../src/flows/order-pipeline";
import { ensureInvoice } from "../../../src/modules/invoices/issue";
import { orderDeps, systemMeta } from "../../../src/modules/orders/store";
import { type SignedIn, signInAs } from "../../support/auth";
import { flowEnded } from "../../support/flows";
import { act, checkout, db, pay, refund, stockedProduct } from "../../support/orders";

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([signInAs("manager"), signInAs("customer")]);
});

const year = new Date().getUTCFullYear();

/** Every number of a series this year is taken exactly once, from 1 up: no gap, no repeat. */
async function expectGapFree(table: typeof invoices | typeof creditNotes, prefix: string) {
  const rows = await db
    .select({ number: table.number, sequence: table.sequence })
    .from(table)
    .where(eq(table.year, year))
    .orderBy(asc(table.sequence));
  expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
  expect(rows.map((r) => r.number)).toEqual(
    rows.map((r) => `${prefix}-${year}-${String(r.sequence).padStart(6, "0")}`),
  );
  const [counter] = await db
    .select()
    .from(documentCounters)
    .where(and(eq(documentCounters.series, prefix), eq(documentCounters.year, year)));
  expect(counter?.lastNumber).toBe(rows.length);
  return rows;
}

describe("invoice numbers", () => {
  it("stay sequential and gap-free when many payments are invoiced at once", async () => {
    const product = await stockedProduct(100, 150);
    const placed = await Promise.all(
      // Placed by staff, whom the limit of a customer's unpaid orders does not hold back.
      Array.from({ length: 24 }, () =>
        checkout(staff.token, { customer_id: customer.id, lines: [{ product_id: product.id, qty: 1 }] }),
      ),
    );
    const ids = placed.map((p) => p.body.id);
    await Promise.all(ids.map((id) => pay(staff.token, id)));
    const paidEvents = await db
      .select({ id: events.id })
      .from(events)
      .where(and(inArray(events.resourceId, ids), eq(events.type, "order.paid")));
    expect(paidEvents).toHaveLength(24);
    // Each order's flow issues its invoice while a duplicate issue per order races it.
    await Promise.all([
      ...ids.map((id) => ensureInvoice(db, id, systemMeta("duplicate"))),
      ...ids.map((id) => flowEnded(id)),
    ]);

    const issued = await db.select().from(invoices).where(inArray(invoices.orderId, ids));
    expect(issued).toHaveLength(24);
    expect(new Set(issued.map((i) => i.number)).size).toBe(24);
    await expectGapFree(invoices, "INV");
  });

  it("are not used up by an issue that fails, nor by orders that are not invoiceable", async () => {
    const product = await stockedProduct(5, 100);
    // Cancelled before it was paid: never invoiceable (a paid order is invoiced by its flow at once).
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    await act(staff.token, created.body.id, "cancel");
    const meta = { actor: null, requestId: "test", ip: null };
    expect(await ensureInvoice(db, created.body.id, meta)).toBeNull();
    const pending = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    expect(await ensureInvoice(db, pending.body.id, meta)).toBeNull();
    await expectGapFree(invoices, "INV");
  });

  it("credit notes have their own gap-free series", async () => {
    const product = await stockedProduct(20, 400);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 6 }] });
    await pay(staff.token, created.body.id);
    await act(staff.token, created.body.id, "fulfil");
    await Promise.all(
      Array.from({ length: 6 }, () =>
        refund(staff.token, created.body.id, {
          lines: [{ product_id: product.id, qty: 1, restock: false }],
          reason: "r",
        }),
      ),
    );
    const refunded = await db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.resourceId, created.body.id), eq(events.type, "order.refunded")));
    await Promise.all(refunded.map((e) => runOrderPipeline(orderDeps(env, db), e.id)));
    const notes = await db.select().from(creditNotes).where(eq(creditNotes.orderId, created.body.id));
    expect(notes.reduce((s, n) => s + n.total, 0)).toBe(2400);
    await expectGapFree(creditNotes, "CRN");
  });
});
