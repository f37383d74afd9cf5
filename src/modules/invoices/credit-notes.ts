import { and, eq, sql } from "drizzle-orm";
import { guard, isGuardFailure, isUniqueViolation, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { creditNoteLines, creditNotes, invoices } from "../../db/schema";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { refundOf } from "../orders";
import { bumpCounter, numberSql, sequenceSql } from "./numbering";

async function creditNoteOfRefund(db: Database, refundId: string) {
  const [row] = await db.select().from(creditNotes).where(eq(creditNotes.refundId, refundId)).limit(1);
  return row;
}

/**
 * The credit note of a refund, issued now if it has none: one per refund, against
 * the order's issued invoice (an order never invoiced, or whose invoice was voided,
 * has nothing to credit), numbered from the year's `CRN` series in the same batch.
 * Its lines and amounts are the refund's, at the prices of the sale.
 */
export async function ensureCreditNote(db: Database, refundId: string, meta: RequestMeta) {
  const existing = await creditNoteOfRefund(db, refundId);
  if (existing) return existing;
  const refunded = await refundOf(db, refundId);
  if (!refunded) return null;
  const { refund, lines } = refunded;
  const [invoice] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orderId, refund.orderId), eq(invoices.status, "issued")))
    .limit(1);
  if (!invoice) return null;
  const id = newId("crn");
  const now = nowIso();
  const year = new Date(now).getUTCFullYear();
  const statements = [
    guard(db, sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${invoice.id} AND status = 'issued')`),
    bumpCounter(db, "CRN", year),
    db.insert(creditNotes).values({
      id,
      number: numberSql("CRN", year),
      year,
      sequence: sequenceSql("CRN", year),
      invoiceId: invoice.id,
      orderId: refund.orderId,
      refundId,
      reason: refund.reason,
      currency: refund.currency,
      subtotal: refund.subtotal,
      tax: refund.tax,
      restockingFee: refund.restockingFee,
      total: refund.amount,
      issuedAt: now,
    }),
    ...lines.map((line, position) =>
      db.insert(creditNoteLines).values({
        creditNoteId: id,
        position,
        productId: line.productId,
        sku: line.sku,
        name: line.name,
        unitPrice: line.unitPrice,
        qty: line.qty,
        lineTotal: line.amount,
        restocked: line.restock,
      }),
    ),
    eventInsert(db, {
      type: "credit_note.issued",
      resourceType: "credit_note",
      resourceId: id,
      data: {
        id,
        version: 1,
        invoice_id: invoice.id,
        order_id: refund.orderId,
        refund_id: refundId,
        total: refund.amount,
        currency: refund.currency,
      },
    }).statement,
    auditInsert(db, meta, {
      action: "credit_note.issued",
      entityType: "credit_note",
      entityId: id,
      after: { invoice_id: invoice.id, refund_id: refundId, total: refund.amount },
    }),
  ];
  try {
    await runBatch(db, statements);
  } catch (err) {
    if (isUniqueViolation(err, creditNotes, "credit_notes_refund"))
      return (await creditNoteOfRefund(db, refundId)) ?? null;
    if (isGuardFailure(err)) return null;
    throw err;
  }
  return (await creditNoteOfRefund(db, refundId)) ?? null;
}
