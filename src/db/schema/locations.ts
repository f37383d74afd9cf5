import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Address } from "./orders";

/** Where stock lives when no location is named: `MAIN`, which the locations migration creates. */
export const DEFAULT_LOCATION_ID = "loc_00000000000000000000000000";

export const LOCATION_KINDS = ["warehouse", "store", "core_shed", "lab", "virtual"] as const;

/**
 * Places stock is kept. Each product's stock object keeps its buckets per location id;
 * this table says what the ids are, whether a location fulfils orders and in which order
 * checkout allocates from them (lowest `priority` first).
 */
export const locations = sqliteTable(
  "locations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    code: text("code").notNull(),
    kind: text("kind", { enum: LOCATION_KINDS }).notNull(),
    address: text("address", { mode: "json" }).$type<Address | null>(),
    fulfilsOrders: integer("fulfils_orders", { mode: "boolean" }).notNull(),
    priority: integer("priority").notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("locations_code").on(t.code),
    index("locations_allocation").on(t.fulfilsOrders, t.active, t.priority),
    check("locations_priority_non_negative", sql`${t.priority} >= 0`),
  ],
);
