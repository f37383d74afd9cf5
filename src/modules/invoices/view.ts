import type { creditNoteLines, creditNotes, invoiceLines, invoices } from "../../db/schema";
import type { InvoiceDetail } from "./schemas";

export type InvoiceRow = typeof invoices.$inferSelect;
type InvoiceLineRow = typeof invoiceLines.$inferSelect;
type CreditNoteRow = typeof creditNotes.$inferSelect;
type CreditNoteLineRow = typeof creditNoteLines.$inferSelect;

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

const lineView = (l: Omit<InvoiceLineRow, "invoiceId">) => ({
  position: l.position,
  product_id: l.productId,
  sku: l.sku,
  name: l.name,
  unit_price: l.unitPrice,
  qty: l.qty,
  line_total: l.lineTotal,
});

/** The invoice with its lines and every credit note against it, from the rows `invoiceDetailOf` read. */
export function toInvoiceDetail(
  invoice: InvoiceRow,
  lines: InvoiceLineRow[],
  notes: CreditNoteRow[],
  noteLines: CreditNoteLineRow[],
): InvoiceDetail {
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
      lines: noteLines.filter((l) => l.creditNoteId === n.id).map((l) => ({ ...lineView(l), restocked: l.restocked })),
    })),
    credited_total: notes.reduce((sum, n) => sum + n.total, 0),
  };
}

/** What an order shows of its invoices, from the rows `invoiceQueries` read. */
export function invoiceViews(invoiceRows: InvoiceRow[], noteRows: CreditNoteRow[]) {
  return invoiceRows.map((invoice) => ({
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    total: invoice.total,
    issued_at: invoice.issuedAt,
    credit_notes: noteRows
      .filter((n) => n.invoiceId === invoice.id)
      .map((n) => ({ id: n.id, number: n.number, total: n.total })),
  }));
}
