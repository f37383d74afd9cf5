import type { Database } from "../../db/client";
import { DAY_MS, deleteInChunks, idMintedBefore } from "../../db/retention";
import { events } from "../../db/schema";

/** The event log is kept 30 days (webhook deliveries, which replay events, as long). */
export const EVENT_RETENTION_DAYS = 30;

export async function pruneEvents(db: Database, now = Date.now()): Promise<number> {
  return deleteInChunks(db, events, idMintedBefore(events.id, "evt", now - EVENT_RETENTION_DAYS * DAY_MS));
}
