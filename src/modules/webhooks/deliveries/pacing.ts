/*
 * Per-endpoint `rate_limit_per_second`, enforced across every concurrent consumer
 * invocation with a generic cell rate algorithm kept in D1: each first attempt
 * reserves the next free slot (`pace_at` advances by 1/rate s per delivery, in one
 * atomic UPDATE). A slot close enough to now is sent at once; a later one is
 * re-queued with `delaySeconds` rounded up, so it never leaves before its slot, and
 * marked `paced` so it is not counted twice. Retries are counted by their backoff instead:
 * they are already spread out, and pacing them would consume the attempt budget.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { MAX_DELAY_SECONDS } from "./backoff";

/** Seconds this delivery must wait for its slot; 0 means send now. */
export async function reserveSlot(db: Database, endpointId: string, perSecond: number, now = Date.now()) {
  const interval = 1000 / perSecond;
  const [row] = await db.all<{ pace_at: number }>(sql`UPDATE webhook_endpoints
    SET pace_at = MAX(${now}, COALESCE(pace_at, 0)) + ${interval} WHERE id = ${endpointId} RETURNING pace_at`);
  if (!row) return 0;
  // The slot starts `wait` ms from now. Sending early by up to (1 s − interval) still
  // keeps any one-second window at `perSecond` deliveries or fewer.
  const wait = row.pace_at - interval - now;
  return wait <= 1000 - interval ? 0 : Math.min(Math.ceil(wait / 1000), MAX_DELAY_SECONDS);
}
