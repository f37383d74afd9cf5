import { sql } from "drizzle-orm";
import { check, integer, sqliteTable } from "drizzle-orm/sqlite-core";

/**
 * Never holds a row. A guard statement (src/db/batch.ts) inserts `ok = 0` into it when a
 * batch's precondition no longer holds, which violates the check and rolls the whole D1
 * batch back: the guarded change, its outbox event and its audit row together.
 */
export const writeGuard = sqliteTable("write_guard", { ok: integer("ok").notNull() }, (t) => [
  check("write_guard_held", sql`${t.ok} = 1`),
]);
