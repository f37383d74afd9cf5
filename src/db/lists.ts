/*
 * D1's hard limits that small tests never hit, handled in one place:
 * - at most 100 bound parameters per statement: a variable-length `IN (…)` list binds
 *   the whole list as ONE JSON parameter (`json_each`), and multi-row inserts are cut
 *   into statements whose rows fit;
 * - LIKE patterns of at most 50 bytes: prefix filters compare instead of matching.
 * Every variable-length list or prefix filter on D1 goes through these helpers.
 */
import { eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { chunks } from "../lib/chunks";
import type { Database } from "./client";

export const MAX_BOUND_PARAMETERS = 100;
/** Ids per piece where a list is still cut into statements (batched writes): room for a few more parameters. */
export const IDS_PER_QUERY = 90;

/**
 * Values per `inList` statement where a list can be far longer than a request's (an
 * import's 100,000 rows): D1 caps one bound value at 2 MB, and 5,000 values of up to
 * 64 characters stay well under it.
 */
export const VALUES_PER_LIST = 5_000;

/** `column IN (values)` with one bound parameter, whatever the list's length; an empty list matches nothing. */
export function inList(column: AnySQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** The rows `query` finds for each piece of `values` (deduplicated), one `inList` statement per piece. */
export async function selectInPieces<T>(
  values: readonly string[],
  query: (piece: string[]) => Promise<T[]>,
): Promise<T[]> {
  const pieces = await Promise.all(chunks([...new Set(values)], VALUES_PER_LIST).map(query));
  return pieces.flat();
}

/**
 * `column` starts with `prefix`, exactly (case-sensitive; callers normalise case), at
 * any prefix length. The range comparison lets SQLite use the column's index; `instr`
 * makes it exact.
 */
export function startsWith(column: AnySQLiteColumn, prefix: string): SQL {
  return sql`(${column} >= ${prefix} AND instr(${column}, ${prefix}) = 1)`;
}

/** The slugs in `column` that a generated `base` would collide with: `base` itself and every `base-…`. */
export function takenSlugs(db: Database, table: SQLiteTable, column: AnySQLiteColumn) {
  return async (base: string): Promise<string[]> =>
    (
      await db
        .select({ slug: column })
        .from(table)
        .where(or(eq(column, base), startsWith(column, `${base}-`)))
    ).map((r) => String(r.slug));
}

/** How many rows of `table` one INSERT can carry: every column may bind a parameter. */
export function rowsPerInsert(table: SQLiteTable, reserved = 0): number {
  const columns = Object.keys(getTableColumns(table)).length;
  return Math.max(1, Math.floor((MAX_BOUND_PARAMETERS - reserved) / columns));
}

/** Multi-row inserts for a batch, each under the parameter limit. */
export function insertRows<T extends SQLiteTable>(db: Database, table: T, rows: T["$inferInsert"][]) {
  return chunks(rows, rowsPerInsert(table)).map((part) => db.insert(table).values(part));
}
