import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { creditNotes, invoices } from "../../db/schema";

/** An order's invoices with their credit notes, for the order detail. */
export async function invoicesOfOrder(db: Database, orderId: string) {
  const [invoiceRows, noteRows] = await Promise.all([
    db.select().from(invoices).where(eq(invoices.orderId, orderId)),
    db.select().from(creditNotes).where(eq(creditNotes.orderId, orderId)).orderBy(asc(creditNotes.sequence)),
  ]);
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
