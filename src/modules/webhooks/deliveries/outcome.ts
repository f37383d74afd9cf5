/*
 * What an attempt leaves behind. Every HTTP attempt becomes a numbered
 * `webhook_attempts` row (numbered from the delivery's own counter in the same
 * batch, so concurrent duplicates cannot collide). Status changes are guarded by
 * the delivery's `run`, so a message from before a replay cannot overwrite the
 * replay's state. A delivery is `failed` when its last attempt is exhausted (the
 * dead-letter consumer), on a 410, or when it can no longer be sent at all.
 */
import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../../db/schema";
import { isoInSeconds, nowIso } from "../../../lib/time";
import { disableEndpointAutomatically, MAX_CONSECUTIVE_FAILURES } from "../disable";
import type { AttemptResult } from "./http";

export interface DeliveryRef {
  id: string;
  run: number;
  endpointId: string;
}

function attemptStatements(db: Database, delivery: DeliveryRef, result: AttemptResult) {
  const startedAt = new Date(Date.now() - result.latencyMs).toISOString();
  return [
    // The number comes from the delivery's own counter, bumped by the next statement.
    db
      .insert(webhookAttempts)
      .select(
        sql`SELECT id, attempt_count + 1, ${delivery.run}, ${startedAt}, ${result.status}, ${result.error}, ${result.latencyMs}, ${result.excerpt} FROM webhook_deliveries WHERE id = ${delivery.id}`,
      ),
    db
      .update(webhookDeliveries)
      .set({
        attemptCount: sql`${webhookDeliveries.attemptCount} + 1`,
        lastStatusCode: result.status,
        lastError: result.error,
        updatedAt: nowIso(),
      })
      .where(eq(webhookDeliveries.id, delivery.id)),
  ] as const;
}

const sameRun = (d: DeliveryRef) => and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.run, d.run));
const pendingRun = (d: DeliveryRef) => and(sameRun(d), eq(webhookDeliveries.status, "pending"));

export async function recordSuccess(db: Database, delivery: DeliveryRef, result: AttemptResult) {
  await db.batch([
    ...attemptStatements(db, delivery, result),
    db
      .update(webhookDeliveries)
      .set({ status: "succeeded", completedAt: nowIso(), nextAttemptAt: null })
      .where(sameRun(delivery)),
    db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: 0 })
      .where(and(eq(webhookEndpoints.id, delivery.endpointId), ne(webhookEndpoints.consecutiveFailures, 0))),
  ]);
}

/** A failed attempt that will be retried in `delaySeconds` (null: the queue sends it to the dead-letter queue). */
export async function recordRetry(
  db: Database,
  delivery: DeliveryRef,
  result: AttemptResult,
  delaySeconds: number | null,
) {
  await db.batch([
    ...attemptStatements(db, delivery, result),
    db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: delaySeconds === null ? null : isoInSeconds(delaySeconds) })
      .where(pendingRun(delivery)),
  ]);
}

/** Ends a delivery as failed at once, with or without an attempt to record. */
export async function recordFailure(db: Database, delivery: DeliveryRef, result: AttemptResult | null, error: string) {
  const finish = db
    .update(webhookDeliveries)
    .set({ status: "failed", lastError: error, completedAt: nowIso(), nextAttemptAt: null, updatedAt: nowIso() })
    .where(pendingRun(delivery));
  if (result) await db.batch([...attemptStatements(db, delivery, result), finish]);
  else await finish;
}

/**
 * The dead-letter consumer's verdict: every attempt failed. Counts one more failed
 * delivery in a row for the endpoint and disables it at the limit. Returns whether
 * the endpoint was disabled by this call.
 */
export async function recordExhausted(db: Database, deliveryId: string, run: number): Promise<boolean> {
  const [failed] = await db
    .update(webhookDeliveries)
    .set({ status: "failed", completedAt: nowIso(), nextAttemptAt: null, updatedAt: nowIso() })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.run, run),
        eq(webhookDeliveries.status, "pending"),
      ),
    )
    .returning({ endpointId: webhookDeliveries.endpointId });
  if (!failed) return false;
  const [endpoint] = await db
    .update(webhookEndpoints)
    .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
    .where(eq(webhookEndpoints.id, failed.endpointId))
    .returning({ failures: webhookEndpoints.consecutiveFailures, enabled: webhookEndpoints.enabled });
  if (!endpoint?.enabled || endpoint.failures < MAX_CONSECUTIVE_FAILURES) return false;
  return disableEndpointAutomatically(db, failed.endpointId, "consecutive_failures");
}

const STALL_GRACE_MS = 6 * 60 * 60 * 1000;

/**
 * The hourly safety net: a pending delivery whose next attempt is six hours overdue
 * lost its queue message (for instance a dead-letter consumer that kept failing).
 * It is marked failed, which makes it visible and replayable, rather than left
 * pending forever. It does not count against the endpoint.
 */
export async function failStalledDeliveries(db: Database, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - STALL_GRACE_MS).toISOString();
  const stalled = await db
    .update(webhookDeliveries)
    .set({
      status: "failed",
      lastError: "The delivery stalled: no attempt was made when one was due. Replay it.",
      completedAt: nowIso(),
      nextAttemptAt: null,
      updatedAt: nowIso(),
    })
    .where(and(eq(webhookDeliveries.status, "pending"), lt(webhookDeliveries.nextAttemptAt, cutoff)))
    .returning({ id: webhookDeliveries.id });
  return stalled.length;
}
