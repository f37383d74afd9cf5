import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { decodeCursor } from "../lib/pagination";

/**
 * The rows after a cursor in a list sorted newest first by (time, id): older, or as old
 * with a smaller id. Ids break ties, so rows written in the same millisecond (or with ids
 * that do not sort by time, such as key-derived ones) are neither skipped nor repeated.
 */
export function olderThanCursor(time: SQLiteColumn, id: SQLiteColumn, cursor: string): SQL {
  const [at = "", lastId = ""] = decodeCursor(cursor, 2).map(String);
  return or(lt(time, at), and(eq(time, at), lt(id, lastId))) as SQL;
}
