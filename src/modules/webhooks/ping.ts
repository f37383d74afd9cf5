import type { Database } from "../../db/client";
import { webhookDeliveries } from "../../db/schema";
import { conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { loadEndpoint } from "./service";

/**
 * Queues a `webhook.ping` for this endpoint only. The delivery row is written with
 * the event, so its id can be returned at once; the event's fan-out finds it there.
 */
export async function sendTestEvent(db: Database, id: string, meta: RequestMeta) {
  const endpoint = await loadEndpoint(db, id);
  if (!endpoint.enabled) throw conflict("The endpoint is disabled; enable it before sending a test event.");
  const event = eventInsert(db, {
    type: "webhook.ping",
    resourceType: "webhook_endpoint",
    resourceId: id,
    data: { endpoint_id: id, version: endpoint.version },
  });
  const deliveryId = newId("dlv");
  const now = nowIso();
  await db.batch([
    event.statement,
    db.insert(webhookDeliveries).values({
      id: deliveryId,
      endpointId: id,
      eventId: event.id,
      eventType: "webhook.ping",
      createdAt: now,
      updatedAt: now,
    }),
    auditInsert(db, meta, {
      action: "webhook.tested",
      entityType: "webhook_endpoint",
      entityId: id,
      after: { event_id: event.id, delivery_id: deliveryId },
    }),
  ]);
  return { event_id: event.id, delivery_id: deliveryId };
}
