import { eq } from "drizzle-orm";
import { isGuardFailure, isUniqueViolation, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { insertRows } from "../../db/lists";
import { invoiceLines, invoices } from "../../db/schema";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { paidOrder, stillPaid } from "../orders";
import { contactOf } from "../users";
import { bumpCounter, numberSql, sequenceSql } from "./numbering";
import { invoiceDetailOf } from "./queries";
import type { InvoiceDetail } from "./schemas";

async function invoiceOfOrder(db: Database, orderId: string) {
  const [row] = await db.select().from(invoices).where(eq(invoices.orderId, orderId)).limit(1);
  return row;
}

/**
 * The order's invoice, issued now if it has none: one per order (unique index), for
 * paid orders only (guarded in the batch, so a cancellation that wins the race
 * leaves nothing issued), numbered from the year's `INV` series in the same batch.
 * Returns null for an order that is not (or no longer) invoiceable.
 */
export async function ensureInvoice(db: Database, orderId: string, meta: RequestMeta): Promise<InvoiceDetail | null> {
  const existing = await invoiceOfOrder(db, orderId);
  if (existing) return invoiceDetailOf(db, existing);
  const paid = await paidOrder(db, orderId);
  if (!paid) return null;
  const { order, lines } = paid;
  const customer = order.customerId ? await contactOf(db, order.customerId) : null;
  const id = newId("inv");
  const now = nowIso();
  const year = new Date(now).getUTCFullYear();
  const statements = [
    stillPaid(db, orderId),
    bumpCounter(db, "INV", year),
    db.insert(invoices).values({
      id,
      number: numberSql("INV", year),
      year,
      sequence: sequenceSql("INV", year),
      orderId,
      customerId: order.customerId,
      customerName: customer?.name ?? null,
      customerEmail: customer?.email ?? null,
      billingAddress: order.billingAddress ?? null,
      currency: order.currency,
      subtotal: order.subtotal,
      taxRateBps: order.taxRateBps,
      tax: order.tax,
      total: order.total,
      status: "issued",
      version: 1,
      issuedAt: now,
      updatedAt: now,
    }),
    ...insertRows(
      db,
      invoiceLines,
      lines.map((l) => ({
        invoiceId: id,
        position: l.position,
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        unitPrice: l.unitPrice,
        qty: l.qty,
        lineTotal: l.lineTotal,
      })),
    ),
    eventInsert(db, {
      type: "invoice.issued",
      resourceType: "invoice",
      resourceId: id,
      data: {
        id,
        version: 1,
        order_id: orderId,
        customer_id: order.customerId,
        total: order.total,
        currency: order.currency,
      },
    }).statement,
    auditInsert(db, meta, {
      action: "invoice.issued",
      entityType: "invoice",
      entityId: id,
      after: { order_id: orderId, total: order.total, currency: order.currency },
    }),
  ];
  try {
    await runBatch(db, statements);
  } catch (err) {
    if (isUniqueViolation(err, invoices, "invoices_order")) {
      const winner = await invoiceOfOrder(db, orderId);
      if (winner) return invoiceDetailOf(db, winner);
    }
    if (isGuardFailure(err)) return null;
    throw err;
  }
  const issued = await invoiceOfOrder(db, orderId);
  if (!issued) throw new Error(`invoice ${id} vanished after its batch`);
  return invoiceDetailOf(db, issued);
}
