/*
 * The EVENTS consumer's webhook work: one delivery per (event, endpoint) for every
 * enabled endpoint subscribed to the event's type, then a WEBHOOKS message for each.
 * It is idempotent by event id: the unique (event_id, endpoint_id) index makes a
 * repeated fan-out insert nothing new, and only deliveries not yet enqueued are sent,
 * so duplicate EVENTS messages do not multiply deliveries.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { events, webhookDeliveries, webhookEndpoints } from "../../../db/schema";
import { newId } from "../../../lib/ids";
import { nowIso } from "../../../lib/time";
import { eventDefinition, isEventType, patternMatches } from "../../events/catalog";
import { type DeliveryMessage, dispatchDeliveries } from "./dispatch";

// Two bound parameters per endpoint plus four shared; D1 allows 100 per statement.
const INSERT_CHUNK = 45;

async function subscribedEndpoints(db: Database, event: { type: string; resourceId: string }): Promise<string[]> {
  if (isEventType(event.type) && eventDefinition(event.type).audience === "endpoint") {
    const rows = await db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, event.resourceId), eq(webhookEndpoints.enabled, true)));
    return rows.map((r) => r.id);
  }
  const rows = await db
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true));
  return rows.filter((r) => r.eventTypes.some((p) => patternMatches(p, event.type))).map((r) => r.id);
}

export async function fanOutEvent(db: Database, queue: Queue<DeliveryMessage>, eventId: string): Promise<void> {
  const [event] = await db
    .select({ id: events.id, type: events.type, resourceId: events.resourceId })
    .from(events)
    .where(eq(events.id, eventId))
    .limit(1);
  if (!event) return; // removed by retention: nothing left to deliver

  const endpointIds = await subscribedEndpoints(db, event);
  const now = nowIso();
  for (let i = 0; i < endpointIds.length; i += INSERT_CHUNK) {
    const rows = endpointIds.slice(i, i + INSERT_CHUNK).map((endpointId) => sql`(${newId("dlv")}, ${endpointId})`);
    await db.run(sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, created_at, updated_at)
      SELECT v.column1, v.column2, ${event.id}, ${event.type}, ${now}, ${now} FROM (VALUES ${sql.join(rows, sql`, `)}) AS v
      WHERE true ON CONFLICT (event_id, endpoint_id) DO NOTHING`);
  }
  await dispatchDeliveries(db, queue, eq(webhookDeliveries.eventId, event.id));
}
