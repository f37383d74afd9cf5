/*
 * The EVENTS consumer's webhook work: one delivery per (event, endpoint) for every
 * enabled endpoint subscribed to the event's type, then a WEBHOOKS message for each.
 * It is idempotent by event id: the unique (event_id, endpoint_id) index makes a
 * repeated fan-out insert nothing new, and only deliveries not yet enqueued are sent,
 * so duplicate EVENTS messages do not multiply deliveries. A whole queue batch is
 * fanned out with a handful of D1 round trips, not a handful per event.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { inList, insertRows } from "../../../db/lists";
import { events, webhookDeliveries, webhookEndpoints } from "../../../db/schema";
import { chunks } from "../../../lib/chunks";
import { newId } from "../../../lib/ids";
import { nowIso } from "../../../lib/time";
import { eventDefinition, isEventType, patternMatches } from "../../events";
import { type DeliveryMessage, dispatchDeliveries } from "./dispatch";

const EVENTS_PER_ROUND = 90;

interface Endpoint {
  id: string;
  eventTypes: string[];
}

function targetsOf(event: { type: string; resourceId: string }, endpoints: Endpoint[]): string[] {
  if (isEventType(event.type) && eventDefinition(event.type).audience === "endpoint") {
    return endpoints.filter((e) => e.id === event.resourceId).map((e) => e.id);
  }
  return endpoints.filter((e) => e.eventTypes.some((p) => patternMatches(p, event.type))).map((e) => e.id);
}

export async function fanOutEvents(db: Database, queue: Queue<DeliveryMessage>, eventIds: string[]): Promise<void> {
  // Events per round: bounds the deliveries one round inserts and enqueues.
  for (const ids of chunks(eventIds, EVENTS_PER_ROUND)) {
    const found = await db
      .select({ id: events.id, type: events.type, resourceId: events.resourceId })
      .from(events)
      .where(inList(events.id, ids));
    if (found.length === 0) continue; // removed by retention: nothing left to deliver

    const endpoints = await db
      .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.enabled, true));
    const now = nowIso();
    const rows = found.flatMap((event) =>
      targetsOf(event, endpoints).map((endpointId) => ({
        id: newId("dlv"),
        endpointId,
        eventId: event.id,
        eventType: event.type,
        createdAt: now,
        updatedAt: now,
      })),
    );
    const [first, ...rest] = insertRows(db, webhookDeliveries, rows).map((insert) => insert.onConflictDoNothing());
    if (first) await db.batch([first, ...rest]);
    const fannedOut = found.map((e) => e.id);
    await dispatchDeliveries(db, queue, inList(webhookDeliveries.eventId, fannedOut));
  }
}
