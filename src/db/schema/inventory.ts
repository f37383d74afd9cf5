import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DEFAULT_LOCATION_ID } from "./locations";

/*
 * The D1 projection of the InventoryDO objects. The objects are the source of truth;
 * these tables mirror them for lists, filters and reports, and are written only by the
 * objects' flush (insert-or-ignore by movement id, levels upserted only when their
 * version is newer). `stock_location_levels` has one row per (product, location);
 * `stock_levels` is the product's total over them, kept in the same batch.
 */
const buckets = () => ({
  damaged: integer("damaged").notNull().default(0),
  quarantine: integer("quarantine").notNull().default(0),
  safetyStock: integer("safety_stock").notNull().default(0),
  incoming: integer("incoming").notNull().default(0),
  out: integer("out").notNull().default(0),
});

export const stockLevels = sqliteTable(
  "stock_levels",
  {
    productId: text("product_id").primaryKey(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    ...buckets(),
    available: integer("available").notNull(),
    version: integer("version").notNull(),
    lowStockThreshold: integer("low_stock_threshold"),
    isLow: integer("is_low", { mode: "boolean" }).notNull(),
    updatedAt: text("updated_at").notNull(),
    projectedAt: text("projected_at").notNull(),
  },
  (t) => [index("stock_levels_low").on(t.isLow, t.productId), index("stock_levels_available").on(t.available)],
);

export const stockLocationLevels = sqliteTable(
  "stock_location_levels",
  {
    productId: text("product_id").notNull(),
    locationId: text("location_id").notNull(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    ...buckets(),
    available: integer("available").notNull(),
    version: integer("version").notNull(),
    updatedAt: text("updated_at").notNull(),
    projectedAt: text("projected_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.locationId] }),
    index("stock_location_levels_location").on(t.locationId, t.productId),
  ],
);

export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    // Movements from before locations happened at the default location.
    locationId: text("location_id").notNull().default(DEFAULT_LOCATION_ID),
    operationId: text("operation_id"),
    seq: integer("seq").notNull(),
    reason: text("reason").notNull(),
    deltaOnHand: integer("delta_on_hand").notNull(),
    deltaReserved: integer("delta_reserved").notNull(),
    deltaDamaged: integer("delta_damaged").notNull().default(0),
    deltaQuarantine: integer("delta_quarantine").notNull().default(0),
    deltaIncoming: integer("delta_incoming").notNull().default(0),
    deltaOut: integer("delta_out").notNull().default(0),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull(),
    damaged: integer("damaged").notNull().default(0),
    quarantine: integer("quarantine").notNull().default(0),
    incoming: integer("incoming").notNull().default(0),
    out: integer("out").notNull().default(0),
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
    index("stock_movements_location").on(t.locationId, t.createdAt),
  ],
);
