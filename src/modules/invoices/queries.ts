import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { creditNoteLines, creditNotes, invoiceLines, invoices } from "../../db/schema";
import type { InvoiceDetail } from "./schemas";
import { type InvoiceRow, toInvoiceDetail } from "./view";

/** An order's invoices and credit notes, as two queries for the caller's batch (see `invoiceViews`). */
export function invoiceQueries(db: Database, orderId: string) {
  return [
    db.select().from(invoices).where(eq(invoices.orderId, orderId)),
    db.select().from(creditNotes).where(eq(creditNotes.orderId, orderId)).orderBy(asc(creditNotes.sequence)),
  ] as const;
}

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
  return toInvoiceDetail(invoice, lines, notes, noteLines);
}
