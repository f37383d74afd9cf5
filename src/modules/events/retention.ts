import { lt } from "drizzle-orm";
import type { Database } from "../../db/client";
import { DAY_MS, deleteInChunks } from "../../db/retention";
import { events } from "../../db/schema";

/** The event log is kept 30 days (webhook deliveries, which replay events, as long). */
export const EVENT_RETENTION_DAYS = 30;

/**
 * By `created_at`, not by id: a keyed step's event id is derived from its key, so its
 * order says nothing about its age (one in 128 would sort before today's time-based ids
 * and go at the next sweep, perhaps before it was even sent).
 */
export async function pruneEvents(db: Database, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - EVENT_RETENTION_DAYS * DAY_MS).toISOString();
  return deleteInChunks(db, events, lt(events.createdAt, cutoff));
}
