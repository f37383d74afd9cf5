import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { creditNotes, invoices } from "../../db/schema";

/** An order's invoices with their credit notes, for the order detail. */
/** An order's invoices and credit notes, as two queries for the caller's batch (see `invoiceViews`). */
export function invoiceQueries(db: Database, orderId: string) {
  return [
    db.select().from(invoices).where(eq(invoices.orderId, orderId)),
    db.select().from(creditNotes).where(eq(creditNotes.orderId, orderId)).orderBy(asc(creditNotes.sequence)),
  ] as const;
}

type InvoiceRow = typeof invoices.$inferSelect;
type CreditNoteRow = typeof creditNotes.$inferSelect;

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
