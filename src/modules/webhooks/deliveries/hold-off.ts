/*
 * An endpoint that leaves an attempt unanswered is held off for HOLD_OFF_MS: its
 * deliveries are not sent until then, so each one does not wait out the timeout
 * again while the consumer's batch (and every other endpoint's messages in it) waits
 * with it. A held delivery still uses an attempt on the usual backoff schedule, as the
 * timed-out attempt it stands in for would have, so its retries and dead-letter timing
 * are those of an endpoint that kept timing out; the hold is kept in D1 so every
 * concurrent consumer invocation sees it.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { webhookEndpoints } from "../../../db/schema";
import { type AttemptResult, unsentAttempt } from "./http";

export const HOLD_OFF_MS = 30_000;

/** Holds the endpoint off from `now`; returns until when. */
export async function holdOff(db: Database, endpointId: string, now = Date.now()): Promise<number> {
  const until = now + HOLD_OFF_MS;
  await db.update(webhookEndpoints).set({ heldUntil: until }).where(eq(webhookEndpoints.id, endpointId));
  return until;
}

/** The attempt a held delivery records instead of sending. */
export function heldAttempt(until: number): AttemptResult {
  return unsentAttempt(
    `Not sent: the endpoint left an attempt unanswered and is held off until ${new Date(until).toISOString()}.`,
  );
}
