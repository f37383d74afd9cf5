import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * The D1 projection of the InventoryDO objects (docs/architecture.md, "Stock: the consistency model"). The objects are
 * the source of truth; these tables mirror them for lists, filters and reports, and are
 * written only by the objects' flush (insert-or-ignore by movement id, level upserted
 * only when its version is newer).
 */
export const stockLevels = sqliteTable(
  "stock_levels",
  {
    productId: text("product_id").primaryKey(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    available: integer("available").notNull(),
    version: integer("version").notNull(),
    lowStockThreshold: integer("low_stock_threshold"),
    isLow: integer("is_low", { mode: "boolean" }).notNull(),
    updatedAt: text("updated_at").notNull(),
    projectedAt: text("projected_at").notNull(),
  },
  (t) => [index("stock_levels_low").on(t.isLow, t.productId), index("stock_levels_available").on(t.available)],
);

export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    seq: integer("seq").notNull(),
    reason: text("reason").notNull(),
    deltaOnHand: integer("delta_on_hand").notNull(),
    deltaReserved: integer("delta_reserved").notNull(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    version: integer("version").notNull(),
    reservationId: text("reservation_id"),
    reference: text("reference"),
    note: text("note"),
    actor: text("actor"),
    createdAt: text("created_at").notNull(),
    projectedAt: text("projected_at").notNull(),
  },
  (t) => [
    index("stock_movements_product_seq").on(t.productId, t.seq),
    index("stock_movements_created").on(t.createdAt),
    index("stock_movements_reason").on(t.reason, t.createdAt),
  ],
);
