import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { creditNoteLines, creditNotes, invoiceLines, type invoices } from "../../db/schema";
import type { InvoiceDetail } from "./schemas";

export type InvoiceRow = typeof invoices.$inferSelect;

export function toInvoiceView(row: InvoiceRow) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    order_id: row.orderId,
    customer_id: row.customerId,
    customer_name: row.customerName,
    customer_email: row.customerEmail,
    billing_address: row.billingAddress ?? null,
    currency: row.currency,
    subtotal: row.subtotal,
    tax_rate_bps: row.taxRateBps,
    tax: row.tax,
    total: row.total,
    version: row.version,
    issued_at: row.issuedAt,
    voided_at: row.voidedAt,
    void_reason: row.voidReason,
  };
}

const lineView = (l: typeof invoiceLines.$inferSelect) => ({
  position: l.position,
  product_id: l.productId,
  sku: l.sku,
  name: l.name,
  unit_price: l.unitPrice,
  qty: l.qty,
  line_total: l.lineTotal,
});

/** The invoice with its lines and every credit note against it. */
export async function invoiceDetailOf(db: Database, invoice: InvoiceRow): Promise<InvoiceDetail> {
  const [lines, notes] = await Promise.all([
    db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id)).orderBy(asc(invoiceLines.position)),
    db.select().from(creditNotes).where(eq(creditNotes.invoiceId, invoice.id)).orderBy(asc(creditNotes.sequence)),
  ]);
  const noteLines =
    notes.length === 0
      ? []
      : await db
          .select()
          .from(creditNoteLines)
          .where(
            inList(
              creditNoteLines.creditNoteId,
              notes.map((n) => n.id),
            ),
          )
          .orderBy(asc(creditNoteLines.position));
  return {
    ...toInvoiceView(invoice),
    lines: lines.map(lineView),
    credit_notes: notes.map((n) => ({
      id: n.id,
      number: n.number,
      invoice_id: n.invoiceId,
      order_id: n.orderId,
      refund_id: n.refundId,
      reason: n.reason,
      currency: n.currency,
      subtotal: n.subtotal,
      tax: n.tax,
      restocking_fee: n.restockingFee,
      total: n.total,
      issued_at: n.issuedAt,
      lines: noteLines
        .filter((l) => l.creditNoteId === n.id)
        .map((l) => ({ ...lineView({ ...l, invoiceId: l.creditNoteId }), restocked: l.restocked })),
    })),
    credited_total: notes.reduce((sum, n) => sum + n.total, 0),
  };
}
