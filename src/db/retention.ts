/*
 * Retention deletes, shared by every module's prune: rows go in bounded chunks so no
 * single statement runs long or hits D1's limits; whatever is left is taken by the
 * next hourly run.
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { encodeTime } from "ulidx";
import type { IdPrefix } from "../lib/ids";
import type { Database } from "./client";

const CHUNK = 500;
const MAX_CHUNKS = 20;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes the rows matching `where`, at most 10,000 per call; returns how many went. */
export async function deleteInChunks(db: Database, table: SQLiteTable, where: SQL): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const result = await db.run(
      sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${CHUNK})`,
    );
    deleted += result.meta.changes;
    if (result.meta.changes < CHUNK) break;
  }
  return deleted;
}

/**
 * "Minted before `ms`" for a prefixed, time-sortable id column (ULID time first): a
 * primary-key range, so it needs no extra index.
 */
export function idMintedBefore(column: SQLiteColumn, prefix: IdPrefix, ms: number): SQL {
  return sql`${column} < ${`${prefix}_${encodeTime(ms, 10).toLowerCase()}`}`;
}
