/*
 * Reading and replaying deliveries. A replay starts a new run of the same delivery:
 * the same event and the same `webhook-id`, so a receiver that already processed it
 * recognises it, with a fresh budget of attempts. Messages of the previous run are
 * ignored from then on. Replaying needs the endpoint enabled (otherwise the attempt
 * would fail at once) and the event still within retention. The replay is committed
 * before it is sent, so if sending fails the every-minute sweep sends it.
 */
import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { type DeliveryStatus, events, webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../../db/schema";
import { conflict, notFound } from "../../../lib/errors";
import { decodeCursor, toPage } from "../../../lib/pagination";
import { nowIso } from "../../../lib/time";
import { auditInsert, type RequestMeta } from "../../audit";
import { type DeliveryMessage, dispatchDeliveries } from "./dispatch";
import { toAttemptResponse, toDeliveryResponse } from "./schemas";

export async function listDeliveries(
  db: Database,
  endpointId: string,
  filter: {
    limit: number;
    cursor?: string | undefined;
    status?: DeliveryStatus | undefined;
    event_type?: string | undefined;
  },
) {
  const [endpoint] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint) throw notFound("Webhook endpoint");
  const where: SQL[] = [eq(webhookDeliveries.endpointId, endpointId)];
  if (filter.status) where.push(eq(webhookDeliveries.status, filter.status));
  if (filter.event_type) where.push(eq(webhookDeliveries.eventType, filter.event_type));
  if (filter.cursor) where.push(lt(webhookDeliveries.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toDeliveryResponse);
}

export async function getDelivery(db: Database, id: string) {
  const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).limit(1);
  if (!delivery) throw notFound("Webhook delivery");
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, id))
    .orderBy(asc(webhookAttempts.number));
  return { ...toDeliveryResponse(delivery), attempts: attempts.map(toAttemptResponse) };
}

async function requireEnabledEndpoint(db: Database, endpointId: string) {
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).limit(1);
  if (!endpoint) throw notFound("Webhook endpoint");
  if (!endpoint.enabled) throw conflict("The endpoint is disabled; enable it before replaying.");
  return endpoint;
}

const newRun = () => ({
  status: "pending" as const,
  run: sql`${webhookDeliveries.run} + 1`,
  enqueuedAt: null,
  nextAttemptAt: null,
  completedAt: null,
  updatedAt: nowIso(),
});

export async function replayDelivery(db: Database, queue: Queue<DeliveryMessage>, id: string, meta: RequestMeta) {
  const [row] = await db
    .select({ delivery: webhookDeliveries, eventId: events.id })
    .from(webhookDeliveries)
    .leftJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, id))
    .limit(1);
  if (!row) throw notFound("Webhook delivery");
  await requireEnabledEndpoint(db, row.delivery.endpointId);
  if (row.eventId === null) throw conflict("The event is past retention and can no longer be sent.");
  await db.batch([
    db.update(webhookDeliveries).set(newRun()).where(eq(webhookDeliveries.id, id)),
    auditInsert(db, meta, {
      action: "webhook.delivery_replayed",
      entityType: "webhook_delivery",
      entityId: id,
      before: { status: row.delivery.status, run: row.delivery.run },
      after: { status: "pending", run: row.delivery.run + 1 },
    }),
  ]);
  await dispatchDeliveries(db, queue, eq(webhookDeliveries.id, id));
  return getDelivery(db, id);
}

/** Replays every failed delivery of the endpoint created at or after `since`. */
export async function replayFailedSince(
  db: Database,
  queue: Queue<DeliveryMessage>,
  endpointId: string,
  since: string,
  meta: RequestMeta,
) {
  await requireEnabledEndpoint(db, endpointId);
  const from = new Date(since).toISOString();
  const [replayed] = await db.batch([
    db
      .update(webhookDeliveries)
      .set(newRun())
      .where(
        and(
          eq(webhookDeliveries.endpointId, endpointId),
          eq(webhookDeliveries.status, "failed"),
          gte(webhookDeliveries.createdAt, from),
        ),
      )
      .returning({ id: webhookDeliveries.id }),
    auditInsert(db, meta, {
      action: "webhook.deliveries_replayed",
      entityType: "webhook_endpoint",
      entityId: endpointId,
      after: { since: from },
    }),
  ]);
  await dispatchDeliveries(db, queue, eq(webhookDeliveries.endpointId, endpointId));
  return { replayed: replayed.length };
}
