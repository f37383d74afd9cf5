import type { Database } from "../../db/client";
import { events } from "../../db/schema";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";

export interface OutboxEvent {
  type: string;
  resourceType: string;
  resourceId: string;
  data: Record<string, unknown>;
}

/**
 * The outbox row for an event, to run in the same D1 batch as the change it
 * describes (DESIGN.md section 5): the change and its event commit together or not at all.
 */
export function eventInsert(db: Database, event: OutboxEvent) {
  const id = newId("evt");
  const statement = db.insert(events).values({
    id,
    type: event.type,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    data: event.data,
    createdAt: nowIso(),
  });
  return { id, statement };
}
