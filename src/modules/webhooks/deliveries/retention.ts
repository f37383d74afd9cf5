import type { Database } from "../../../db/client";
import { DAY_MS, deleteInChunks, idMintedBefore } from "../../../db/retention";
import { webhookDeliveries } from "../../../db/schema";
import { EVENT_RETENTION_DAYS } from "../../events";

/** Deliveries (and their attempts, by cascade) are kept as long as the events they replay. */
export async function pruneDeliveries(db: Database, now = Date.now()): Promise<number> {
  return deleteInChunks(
    db,
    webhookDeliveries,
    idMintedBefore(webhookDeliveries.id, "dlv", now - EVENT_RETENTION_DAYS * DAY_MS),
  );
}
