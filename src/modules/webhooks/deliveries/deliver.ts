/*
 * The WEBHOOKS consumer's work for one message: one signed POST of one delivery.
 * - A message for an older run (replayed since), or for a delivery already finished,
 *   is acknowledged without sending: duplicates of a message cost nothing.
 * - The URL is checked again before every attempt (it may have been stored under
 *   older rules, and a redirect is never followed).
 * - 2xx: succeeded. 410: failed, and the endpoint is disabled. Anything else,
 *   including no answer: retried with backoff (or `Retry-After` on 429/5xx) until the
 *   8th attempt, whose retry sends the message to the dead-letter queue.
 * - No answer within the timeout holds the endpoint off (hold-off.ts): until the hold
 *   ends its deliveries are retried without being sent, and no retry comes back sooner.
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
import { heldAttempt, holdOff } from "./hold-off";
import { type AttemptResult, postWebhook, unsentAttempt } from "./http";
import { type DeliveryRef, recordFailure, recordRetry, recordSuccess } from "./outcome";
import { reserveSlot } from "./pacing";

export interface DeliveryDeps {
  db: Database;
  encryptionKey: string;
  allowInsecureLocalhost: boolean;
  timeoutMs: number;
  webhooks: Queue<DeliveryMessage>;
  events: Queue<EventMessage>;
}

/** What the queue should do with the message. */
export type Decision = { action: "ack" } | { action: "retry"; delaySeconds?: number };

/**
 * The decision, and what the attempt showed about the endpoint: `probed` when it was
 * sent, held off or refused for the endpoint's sake, so its other messages need not wait;
 * `heldUntil` when it went unanswered and the endpoint is now held off.
 */
export interface Outcome {
  decision: Decision;
  probed: boolean;
  heldUntil?: number;
}

const ACK: Decision = { action: "ack" };
/** Acknowledged without anything learnt about the endpoint. */
const UNSENT: Outcome = { decision: ACK, probed: false };
const probed = (decision: Decision, heldUntil?: number): Outcome =>
  heldUntil === undefined ? { decision, probed: true } : { decision, probed: true, heldUntil };

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

/**
 * One message's attempt. `heldUntil` is the endpoint's hold as the caller knows it (from
 * the batch's load, or set by an earlier message of the same batch).
 */
export async function deliver(
  deps: DeliveryDeps,
  message: DeliveryMessage,
  queueAttempt: number,
  row: DeliveryRow | undefined,
  heldUntil: number | null,
): Promise<Outcome> {
  const { db } = deps;
  // Gone (endpoint deleted), replayed since, or already finished: nothing to send.
  if (!row || row.delivery.run !== message.run || row.delivery.status !== "pending") return UNSENT;
  const { delivery, endpoint, event } = row;
  const ref: DeliveryRef = { id: delivery.id, run: delivery.run, endpointId: endpoint.id };

  if (!event) {
    await recordFailure(db, ref, null, "The event is past retention and can no longer be sent.");
    return UNSENT;
  }
  if (!endpoint.enabled) {
    await recordFailure(db, ref, null, "The endpoint is disabled; replay once it is enabled again.");
    return probed(ACK);
  }
  const urlProblem = webhookUrlProblem(endpoint.url, deps.allowInsecureLocalhost);
  if (urlProblem) {
    const reason = `Refused: ${urlProblem}`;
    await recordFailure(db, ref, unsentAttempt(reason), reason);
    return probed(ACK);
  }
  if (heldUntil !== null && heldUntil > Date.now()) {
    return probed(await retryLater(db, ref, heldAttempt(heldUntil), queueAttempt, heldUntil));
  }
  if (endpoint.rateLimitPerSecond !== null && !message.paced && queueAttempt === 1) {
    const wait = await reserveSlot(db, endpoint.id, endpoint.rateLimitPerSecond);
    if (wait > 0) {
      await deps.webhooks.send({ ...message, paced: true }, { contentType: "json", delaySeconds: wait });
      return UNSENT;
    }
  }

  const body = JSON.stringify({ id: event.id, type: event.type, created_at: event.createdAt, data: event.data });
  const secrets = await signingSecrets(deps.encryptionKey, endpoint);
  const result = await postWebhook(endpoint.url, { id: event.id, body, secrets }, deps.timeoutMs);

  if (result.status !== null && result.status >= 200 && result.status < 300) {
    await recordSuccess(db, ref, result);
    return probed(ACK);
  }
  if (result.status === 410) {
    await recordFailure(db, ref, result, "The endpoint answered 410 Gone and was disabled.");
    if (await disableEndpointAutomatically(db, endpoint.id, "gone")) await flushOutbox(db, deps.events);
    return probed(ACK);
  }
  if (result.timedOut) {
    const until = await holdOff(db, endpoint.id);
    return probed(await retryLater(db, ref, result, queueAttempt, until), until);
  }
  return probed(await retryLater(db, ref, result, queueAttempt, null));
}

/** Records a failed (or held) attempt and asks for the retry, never before the endpoint's hold ends. */
async function retryLater(
  db: Database,
  ref: DeliveryRef,
  result: AttemptResult,
  queueAttempt: number,
  heldUntil: number | null,
): Promise<Decision> {
  if (queueAttempt >= MAX_ATTEMPTS) {
    await recordRetry(db, ref, result, null);
    return { action: "retry" };
  }
  const holdSeconds = heldUntil === null ? 0 : Math.ceil((heldUntil - Date.now()) / 1000);
  const delaySeconds = Math.max(retryDelaySeconds(queueAttempt, result.status, result.retryAfter), holdSeconds);
  await recordRetry(db, ref, result, delaySeconds);
  return { action: "retry", delaySeconds };
}
