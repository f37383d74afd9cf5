/*
 * Invoices. An order is invoiced once, when paid (by the order pipeline,
 * or at once for a direct sale); the invoice keeps each line's unit price, quantity
 * and total as sold, the tax and the total, and its number is the next of the year's
 * gap-free `INV` series, allocated in the issuing batch. A refund is documented by a
 * credit note against the invoice (`CRN` series). An invoice is never deleted or
 * renumbered: a mistaken one is voided (status `void`, number kept), which is refused
 * once credit notes exist against it, and a void invoice takes no credit notes.
 * Customers may read their own invoices; staff read all and void.
 */
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import { guard, isGuardFailure, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { olderThanCursor } from "../../db/keyset";
import { invoices } from "../../db/schema";
import { conflict, invalidTransition, notFound, preconditionFailed } from "../../lib/errors";
import { toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { isCustomer } from "../orders";
import { invoiceDetailOf } from "./queries";
import type { InvoiceDetail } from "./schemas";
import { type InvoiceRow, toInvoiceView } from "./view";

export { ensureCreditNote } from "./credit-notes";
export { ensureInvoice } from "./issue";

async function visibleInvoice(db: Database, id: string, actor: Actor | null): Promise<InvoiceRow> {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
  if (!row || (isCustomer(actor) && row.customerId !== actor?.id)) throw notFound("Invoice");
  return row;
}

export async function getInvoice(db: Database, id: string, actor: Actor | null): Promise<InvoiceDetail> {
  return invoiceDetailOf(db, await visibleInvoice(db, id, actor));
}

export interface InvoiceListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: "issued" | "void" | undefined;
  customer_id?: string | undefined;
  order_id?: string | undefined;
  issued_from?: string | undefined;
  issued_to?: string | undefined;
}

/** Newest first by (issued_at, id); customers see their own only. */
export async function listInvoices(db: Database, actor: Actor, query: InvoiceListQuery) {
  const where: SQL[] = [];
  const customerId = isCustomer(actor) ? actor.id : query.customer_id;
  if (customerId !== undefined) where.push(eq(invoices.customerId, customerId));
  if (query.status) where.push(eq(invoices.status, query.status));
  if (query.order_id) where.push(eq(invoices.orderId, query.order_id));
  if (query.issued_from) where.push(gte(invoices.issuedAt, new Date(query.issued_from).toISOString()));
  if (query.issued_to) where.push(lt(invoices.issuedAt, new Date(query.issued_to).toISOString()));
  if (query.cursor) where.push(olderThanCursor(invoices.issuedAt, invoices.id, query.cursor));
  const rows = await db
    .select()
    .from(invoices)
    .where(and(...where))
    .orderBy(desc(invoices.issuedAt), desc(invoices.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => [r.issuedAt, r.id], toInvoiceView);
}

export async function voidInvoice(
  db: Database,
  id: string,
  reason: string,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<InvoiceDetail> {
  const invoice = await visibleInvoice(db, id, meta.actor);
  if (invoice.status === "void") throw invalidTransition("The invoice is already void.");
  if (expectedVersion !== null && expectedVersion !== invoice.version) throw preconditionFailed();
  const now = nowIso();
  const version = invoice.version + 1;
  try {
    await runBatch(db, [
      guard(
        db,
        sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${id} AND status = 'issued' AND version = ${invoice.version})
          AND NOT EXISTS (SELECT 1 FROM credit_notes WHERE invoice_id = ${id})`,
      ),
      db
        .update(invoices)
        .set({ status: "void", voidReason: reason, voidedAt: now, version, updatedAt: now })
        .where(eq(invoices.id, id)),
      eventInsert(db, {
        type: "invoice.voided",
        resourceType: "invoice",
        resourceId: id,
        data: { id, version, order_id: invoice.orderId, total: invoice.total, reason },
      }).statement,
      auditInsert(db, meta, {
        action: "invoice.voided",
        entityType: "invoice",
        entityId: id,
        before: { status: invoice.status, version: invoice.version },
        after: { status: "void", version, reason },
      }),
    ]);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    const [current] = await db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
    if (current?.status === "void") throw invalidTransition("The invoice is already void.");
    if (current && current.version !== invoice.version) throw preconditionFailed();
    throw conflict("An invoice with credit notes cannot be voided; refund the rest of the order instead.");
  }
  return getInvoice(db, id, null);
}
