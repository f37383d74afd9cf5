import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { orders, refunds } from "./orders";

/**
 * An order return (RMA): `requested` → `approved` | `rejected`; `approved` →
 * `received` (what arrived, per line and condition); `received` → `refunded` (one
 * refund of the arrived units, through the orders module's refund path) | `closed`.
 * Open returns (`requested`, `approved`, `received`) count against what an order line
 * may still return, together with what was already refunded.
 */
export const RETURN_STATUSES = ["requested", "approved", "rejected", "received", "refunded", "closed"] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
export const OPEN_RETURN_STATUSES = ["requested", "approved", "received"] as const satisfies ReturnStatus[];

export const RETURN_REASONS = [
  "damaged",
  "defective",
  "wrong_item",
  "not_as_described",
  "no_longer_needed",
  "other",
] as const;

/** What staff found in the parcel: units back on a shelf, into damaged or quarantine stock, or not there. */
export const RECEIPT_CONDITIONS = ["restock", "damaged", "quarantine", "missing"] as const;
export type ReceiptCondition = (typeof RECEIPT_CONDITIONS)[number];

export const returns = sqliteTable(
  "returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    customerId: text("customer_id"),
    status: text("status", { enum: RETURN_STATUSES }).notNull(),
    note: text("note"),
    decisionReason: text("decision_reason"),
    refundId: text("refund_id").references(() => refunds.id),
    restockingFee: integer("restocking_fee").notNull().default(0),
    openedBy: text("opened_by"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    approvedAt: text("approved_at"),
    rejectedAt: text("rejected_at"),
    receivedAt: text("received_at"),
    refundedAt: text("refunded_at"),
    closedAt: text("closed_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("returns_created").on(t.createdAt, t.id),
    index("returns_order").on(t.orderId, t.createdAt),
    index("returns_customer_created").on(t.customerId, t.createdAt, t.id),
    index("returns_status_created").on(t.status, t.createdAt, t.id),
    uniqueIndex("returns_refund").on(t.refundId),
    check("returns_fee_non_negative", sql`${t.restockingFee} >= 0`),
  ],
);

export const returnLines = sqliteTable(
  "return_lines",
  {
    returnId: text("return_id")
      .notNull()
      .references(() => returns.id),
    orderId: text("order_id").notNull(),
    productId: text("product_id").notNull(),
    position: integer("position").notNull(),
    qty: integer("qty").notNull(),
    reason: text("reason", { enum: RETURN_REASONS }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.returnId, t.productId] }),
    index("return_lines_order_product").on(t.orderId, t.productId),
    index("return_lines_product").on(t.productId, t.returnId),
    check("return_lines_qty", sql`${t.qty} >= 1`),
  ],
);

/** One row per (line, condition, location) staff recorded on receipt; the quantities of a line add up to its qty. */
export const returnReceipts = sqliteTable(
  "return_receipts",
  {
    returnId: text("return_id")
      .notNull()
      .references(() => returns.id),
    position: integer("position").notNull(),
    productId: text("product_id").notNull(),
    condition: text("condition", { enum: RECEIPT_CONDITIONS }).notNull(),
    locationId: text("location_id"),
    qty: integer("qty").notNull(),
    /** The stock movement this receipt made (none for `missing`), derived from the return, so repeats are no-ops. */
    movementId: text("movement_id"),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.position] }), check("return_receipts_qty", sql`${t.qty} >= 1`)],
);
