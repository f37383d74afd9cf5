import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The store settings: one row (`id = 1`) holding the whole document, validated by
 * the settings module's one zod schema on every write. No row means "all defaults,
 * version 0"; the first PUT creates it.
 */
export const settings = sqliteTable(
  "settings",
  {
    id: integer("id").primaryKey(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    version: integer("version").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("settings_single_row", sql`${t.id} = 1`)],
);
