/*
 * The WEBHOOKS consumer's work for one message: one signed POST of one delivery.
 * - A message for an older run (replayed since), or for a delivery already finished,
 *   is acknowledged without sending: duplicates of a message cost nothing.
 * - The URL is checked again before every attempt (it may have been stored under
 *   older rules, and a redirect is never followed).
 * - 2xx: succeeded. 410: failed, and the endpoint is disabled. Anything else,
 *   including no answer: retried with backoff (or `Retry-After` on 429/5xx) until the
 *   8th attempt, whose retry sends the message to the dead-letter queue.
 * - `webhook-id` is the event id, the same for every attempt and replay, so
 *   receivers deduplicate on it.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { inList } from "../../../db/lists";
import { events, webhookDeliveries, webhookEndpoints } from "../../../db/schema";
import { type EventMessage, flushOutbox } from "../../events";
import { disableEndpointAutomatically } from "../disable";
import { signingSecrets } from "../secrets";
import { webhookUrlProblem } from "../url-policy";
import { MAX_ATTEMPTS, retryDelaySeconds } from "./backoff";
import type { DeliveryMessage } from "./dispatch";
import { postWebhook } from "./http";
import { type DeliveryRef, recordFailure, recordRetry, recordSuccess } from "./outcome";
import { reserveSlot } from "./pacing";

export interface DeliveryDeps {
  db: Database;
  encryptionKey: string;
  allowInsecureLocalhost: boolean;
  webhooks: Queue<DeliveryMessage>;
  events: Queue<EventMessage>;
}

/** What the queue should do with the message. */
export type Decision = { action: "ack" } | { action: "retry"; delaySeconds?: number };

const ACK: Decision = { action: "ack" };

export interface DeliveryRow {
  delivery: typeof webhookDeliveries.$inferSelect;
  endpoint: typeof webhookEndpoints.$inferSelect;
  event: typeof events.$inferSelect | null;
}

/** The deliveries of a queue batch with their endpoints and events, in one query. */
export async function loadDeliveries(db: Database, deliveryIds: string[]): Promise<Map<string, DeliveryRow>> {
  const rows =
    deliveryIds.length === 0
      ? []
      : await db
          .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, event: events })
          .from(webhookDeliveries)
          .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
          .leftJoin(events, eq(events.id, webhookDeliveries.eventId))
          .where(inList(webhookDeliveries.id, deliveryIds));
  return new Map(rows.map((row) => [row.delivery.id, row]));
}

export async function deliver(
  deps: DeliveryDeps,
  message: DeliveryMessage,
  queueAttempt: number,
  row: DeliveryRow | undefined,
): Promise<Decision> {
  const { db } = deps;
  // Gone (endpoint deleted), replayed since, or already finished: nothing to send.
  if (!row || row.delivery.run !== message.run || row.delivery.status !== "pending") return ACK;
  const { delivery, endpoint, event } = row;
  const ref: DeliveryRef = { id: delivery.id, run: delivery.run, endpointId: endpoint.id };

  if (!event) {
    await recordFailure(db, ref, null, "The event is past retention and can no longer be sent.");
    return ACK;
  }
  if (!endpoint.enabled) {
    await recordFailure(db, ref, null, "The endpoint is disabled; replay once it is enabled again.");
    return ACK;
  }
  const urlProblem = webhookUrlProblem(endpoint.url, deps.allowInsecureLocalhost);
  if (urlProblem) {
    const refused = { status: null, error: `Refused: ${urlProblem}`, latencyMs: 0, excerpt: null, retryAfter: null };
    await recordFailure(db, ref, refused, refused.error);
    return ACK;
  }
  if (endpoint.rateLimitPerSecond !== null && !message.paced && queueAttempt === 1) {
    const wait = await reserveSlot(db, endpoint.id, endpoint.rateLimitPerSecond);
    if (wait > 0) {
      await deps.webhooks.send({ ...message, paced: true }, { contentType: "json", delaySeconds: wait });
      return ACK;
    }
  }

  const body = JSON.stringify({ id: event.id, type: event.type, created_at: event.createdAt, data: event.data });
  const secrets = await signingSecrets(deps.encryptionKey, endpoint);
  const result = await postWebhook(endpoint.url, { id: event.id, body, secrets });

  if (result.status !== null && result.status >= 200 && result.status < 300) {
    await recordSuccess(db, ref, result);
    return ACK;
  }
  if (result.status === 410) {
    await recordFailure(db, ref, result, "The endpoint answered 410 Gone and was disabled.");
    if (await disableEndpointAutomatically(db, endpoint.id, "gone")) await flushOutbox(db, deps.events);
    return ACK;
  }
  if (queueAttempt >= MAX_ATTEMPTS) {
    await recordRetry(db, ref, result, null);
    return { action: "retry" };
  }
  const delaySeconds = retryDelaySeconds(queueAttempt, result.status, result.retryAfter);
  await recordRetry(db, ref, result, delaySeconds);
  return { action: "retry", delaySeconds };
}
