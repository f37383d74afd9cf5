/*
 * The one way to make a change conditional in a D1 batch. A D1 batch is one
 * transaction; SQL has no "abort unless", so conditions are expressed two ways:
 * - `guard(condition)` as the FIRST statement: when the condition no longer holds it
 *   inserts into `write_guard`, whose CHECK fails and rolls the whole batch back (the
 *   change, its outbox event and its audit row). Use it when the service read state,
 *   validated rules against it, and must not commit if a concurrent writer changed it.
 * - `insertIf(condition)` on an insert (audit row, event): the row is written only
 *   when the condition holds and the batch still commits otherwise. Use it when the
 *   batch itself decides whether the change happened (e.g. an UPDATE guarded by its
 *   own WHERE) and the audit/event rows must follow that decision.
 * Constraint failures are told apart by the constraint's name from the schema, never
 * by searching the message for "UNIQUE".
 */
import { Column, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { conflict } from "../lib/errors";
import type { Database } from "./client";
import { writeGuard } from "./schema";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one D1 batch: one transaction, all or nothing. */
export async function runBatch(db: Database, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  return db.batch([first, ...rest]);
}

/** A statement that aborts its whole batch unless `condition` holds when it runs; put it first. */
export function guard(db: Database, condition: SQL): Statement {
  // INSERT … SELECT through the query builder: a raw `db.run` cannot join a D1 batch.
  return db.insert(writeGuard).select(sql`SELECT 0 WHERE NOT (${condition})`);
}

/**
 * `INSERT … SELECT <row> WHERE <condition>`: the row lands only if the condition holds
 * when the statement runs inside the batch. Test something only this change can make
 * true (e.g. put the row before the update, with the update's own WHERE as the
 * condition), since "the version is now N + 1" also holds after a concurrent update.
 */
export function insertIf<T extends SQLiteTable>(db: Database, table: T, row: T["$inferInsert"], condition: SQL) {
  // The values are listed in the table's column order and encoded by each column, as a
  // plain insert would; a raw `db.run` cannot join a D1 batch.
  const record = row as Record<string, unknown>;
  const values = Object.entries(getTableColumns(table)).map(([key, column]) => sql.param(record[key] ?? null, column));
  return db.insert(table).select(sql`SELECT ${sql.join(values, sql`, `)} WHERE ${condition}`);
}

/** Whether a batch failed because its guard found the state changed underneath it. */
export function isGuardFailure(err: unknown): boolean {
  return errorText(err).includes("CHECK constraint failed: write_guard_held");
}

/**
 * Whether a statement failed on the unique index `name` of `table`. SQLite names the
 * columns, not the index ("UNIQUE constraint failed: products.sku"), so the columns
 * are looked up in the schema and compared exactly: `products.slug` never matches an
 * index on `products.slug_key`. An index on an expression is named by SQLite itself
 * ("UNIQUE constraint failed: index 'companies_name_ci'").
 */
export function isUniqueViolation(err: unknown, table: SQLiteTable, name: string): boolean {
  const config = getTableConfig(table);
  const index = config.indexes.find((i) => i.config.name === name && i.config.unique);
  if (!index) throw new Error(`No unique index ${name} on ${config.name}`);
  const onColumns = index.config.columns.every((c) => c instanceof Column);
  const expected = onColumns
    ? index.config.columns.map((c) => `${config.name}.${c instanceof Column ? c.name : ""}`).join(", ")
    : `index '${name}'`;
  return errorText(err)
    .split(" | ")
    .some(
      (message) => message.match(/UNIQUE constraint failed: (index '\w+'|\w+\.\w+(?:, \w+\.\w+)*)/)?.[1] === expected,
    );
}

export function isForeignKeyViolation(err: unknown): boolean {
  return errorText(err).includes("FOREIGN KEY constraint failed");
}

/** The messages of an error and its causes: D1 wraps the SQLite error in "Failed query: …". */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) parts.push(e.message);
  return parts.join(" | ");
}

/**
 * Enough for a burst of writers on one row (a gallery uploaded in parallel: 20 at once
 * left 16 refused at 3 attempts); a short jittered pause spreads the retries.
 */
export const RACE_ATTEMPTS = 10;
export const racePause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

/**
 * Runs a read-validate-write attempt again when its guard lost a race, so the rules
 * are checked against the state that actually won. An `If-Match` caller fails the
 * re-read with 412 instead, which is what makes concurrent edits of one version
 * end with exactly one winner.
 */
export async function retryOnRace<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isGuardFailure(err)) throw err;
      if (n >= RACE_ATTEMPTS) throw conflict("The resource is changing too fast; retry the request.");
      await racePause(n);
    }
  }
}
