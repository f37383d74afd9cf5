/*
 * The event log is kept 30 days, and webhook deliveries (with their attempts, by
 * cascade) as long: a delivery cannot be replayed without its event. Ids are
 * time-sortable (ULID time first), so "older than the cutoff" is a primary-key
 * range and needs no extra index. Deletes run in bounded chunks to stay well inside
 * D1's per-query limits; what is left is taken by the next hourly run.
 */
import { sql } from "drizzle-orm";
import { encodeTime } from "ulidx";
import type { Database } from "../../db/client";
import type { IdPrefix } from "../../lib/ids";

export const EVENT_RETENTION_DAYS = 30;
const CHUNK = 500;
const MAX_CHUNKS = 20;

/** The smallest id `newId(prefix)` could have minted at `ms`: every id below it is older. */
function idAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${encodeTime(ms, 10).toLowerCase()}`;
}

async function deleteBelow(db: Database, table: "events" | "webhook_deliveries", bound: string): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const result = await db.run(
      sql`DELETE FROM ${sql.identifier(table)} WHERE id IN (SELECT id FROM ${sql.identifier(table)} WHERE id < ${bound} LIMIT ${CHUNK})`,
    );
    deleted += result.meta.changes;
    if (result.meta.changes < CHUNK) break;
  }
  return deleted;
}

export async function pruneEvents(db: Database, now = Date.now()): Promise<{ events: number; deliveries: number }> {
  const cutoff = now - EVENT_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  const deliveries = await deleteBelow(db, "webhook_deliveries", idAt("dlv", cutoff));
  const events = await deleteBelow(db, "events", idAt("evt", cutoff));
  return { events, deliveries };
}
