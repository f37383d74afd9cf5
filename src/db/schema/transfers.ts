import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** `draft → shipped → partially_received → received`, or `cancelled` from draft. */
export const TRANSFER_STATUSES = ["draft", "shipped", "partially_received", "received", "cancelled"] as const;

/**
 * Stock moving between two locations. The units themselves move inside each product's
 * stock object (`on_hand` at the origin → `incoming` at the destination → `on_hand`);
 * these rows are the document, and their shipped/received/lost counts are copied from
 * the objects after each step, so a retried step converges on the objects' numbers.
 */
export const transfers = sqliteTable(
  "transfers",
  {
    id: text("id").primaryKey(),
    fromLocationId: text("from_location_id").notNull(),
    toLocationId: text("to_location_id").notNull(),
    status: text("status", { enum: TRANSFER_STATUSES }).notNull(),
    note: text("note"),
    createdBy: text("created_by"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    shippedAt: text("shipped_at"),
    /**
     * Set by the first ship before it moves any stock, so a cancel can no longer win once
     * stock may have moved; cleared again when no line could ship.
     */
    shipStartedAt: text("ship_started_at"),
    receivedAt: text("received_at"),
    cancelledAt: text("cancelled_at"),
  },
  (t) => [
    index("transfers_created").on(t.createdAt, t.id),
    index("transfers_status").on(t.status, t.createdAt),
    index("transfers_from").on(t.fromLocationId, t.createdAt),
    index("transfers_to").on(t.toLocationId, t.createdAt),
    check("transfers_two_places", sql`${t.fromLocationId} <> ${t.toLocationId}`),
  ],
);

export const transferLines = sqliteTable(
  "transfer_lines",
  {
    transferId: text("transfer_id")
      .notNull()
      .references(() => transfers.id),
    productId: text("product_id").notNull(),
    position: integer("position").notNull(),
    qty: integer("qty").notNull(),
    shipped: integer("shipped").notNull().default(0),
    received: integer("received").notNull().default(0),
    lost: integer("lost").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.transferId, t.productId] }),
    index("transfer_lines_product").on(t.productId),
    check(
      "transfer_lines_bounded",
      sql`${t.qty} > 0 AND ${t.shipped} <= ${t.qty} AND ${t.received} + ${t.lost} <= ${t.shipped}`,
    ),
  ],
);
