import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Address } from "./orders";
import { orders } from "./orders";

export const INVOICE_STATUSES = ["issued", "void"] as const;

/**
 * The last number handed out per series (`INV`, `CRN`) and year. It is bumped in the
 * same D1 batch that inserts the document, so a failed batch hands out nothing: the
 * numbers are sequential and gap-free, and D1's serialised batches keep concurrent
 * issuers from ever sharing one.
 */
export const documentCounters = sqliteTable(
  "document_counters",
  {
    series: text("series").notNull(),
    year: integer("year").notNull(),
    lastNumber: integer("last_number").notNull(),
  },
  (t) => [primaryKey({ columns: [t.series, t.year] })],
);

/** One invoice per order, issued when it is paid; amounts are those at the time of sale. */
export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    year: integer("year").notNull(),
    sequence: integer("sequence").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    customerId: text("customer_id"),
    customerName: text("customer_name"),
    customerEmail: text("customer_email"),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address | null>(),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    taxRateBps: integer("tax_rate_bps").notNull(),
    tax: integer("tax").notNull(),
    total: integer("total").notNull(),
    status: text("status", { enum: INVOICE_STATUSES }).notNull(),
    voidReason: text("void_reason"),
    voidedAt: text("voided_at"),
    version: integer("version").notNull().default(1),
    issuedAt: text("issued_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("invoices_number").on(t.number),
    uniqueIndex("invoices_year_sequence").on(t.year, t.sequence),
    uniqueIndex("invoices_order").on(t.orderId),
    index("invoices_customer").on(t.customerId, t.issuedAt),
    index("invoices_issued").on(t.issuedAt, t.id),
    check("invoices_total", sql`${t.total} = ${t.subtotal} + ${t.tax}`),
  ],
);

export const invoiceLines = sqliteTable(
  "invoice_lines",
  {
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id),
    position: integer("position").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    unitPrice: integer("unit_price").notNull(),
    qty: integer("qty").notNull(),
    lineTotal: integer("line_total").notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.position] })],
);

/** A refund's document: it credits part (or all) of an invoice, one per refund. */
export const creditNotes = sqliteTable(
  "credit_notes",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    year: integer("year").notNull(),
    sequence: integer("sequence").notNull(),
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id),
    orderId: text("order_id").notNull(),
    refundId: text("refund_id").notNull(),
    reason: text("reason").notNull(),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    tax: integer("tax").notNull(),
    /** The refund's restocking fee: credited = subtotal + tax − fee. */
    restockingFee: integer("restocking_fee").notNull().default(0),
    total: integer("total").notNull(),
    issuedAt: text("issued_at").notNull(),
  },
  (t) => [
    uniqueIndex("credit_notes_number").on(t.number),
    uniqueIndex("credit_notes_year_sequence").on(t.year, t.sequence),
    uniqueIndex("credit_notes_refund").on(t.refundId),
    index("credit_notes_invoice").on(t.invoiceId, t.issuedAt),
    check("credit_notes_total", sql`${t.total} = ${t.subtotal} + ${t.tax} - ${t.restockingFee}`),
  ],
);

export const creditNoteLines = sqliteTable(
  "credit_note_lines",
  {
    creditNoteId: text("credit_note_id")
      .notNull()
      .references(() => creditNotes.id),
    position: integer("position").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    unitPrice: integer("unit_price").notNull(),
    qty: integer("qty").notNull(),
    lineTotal: integer("line_total").notNull(),
    restocked: integer("restocked", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.creditNoteId, t.position] })],
);
