/*
 * Handing deliveries to the WEBHOOKS queue. A delivery row is written first
 * (pending, `enqueued_at` null), then sent, then marked enqueued, so a crash in
 * between leaves it visible to the every-minute sweep rather than lost; the cost is
 * a possible duplicate message, which the consumer ignores once the delivery is done.
 * Marking is per (id, run): a replay that starts a new run meanwhile stays unmarked
 * and is sent for its own run.
 */
import { and, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { webhookDeliveries } from "../../../db/schema";
import { chunks } from "../../../lib/chunks";
import { nowIso } from "../../../lib/time";

export interface DeliveryMessage {
  delivery_id: string;
  run: number;
  /** Set when the endpoint's rate limit already gave this message its slot. */
  paced?: boolean;
}

// One queue send takes up to 100 messages; marking binds two parameters per row
// plus one, and D1 allows 100 per statement.
const SEND_SIZE = 90;
const MARK_SIZE = 45;
const SWEEP_AGE_MS = 60_000;

async function markEnqueued(db: Database, rows: { id: string; run: number }[]) {
  const now = nowIso();
  for (const part of chunks(rows, MARK_SIZE)) {
    const pairs = part.map((r) => sql`(${r.id}, ${r.run})`);
    await db.run(sql`UPDATE webhook_deliveries SET enqueued_at = ${now}, next_attempt_at = ${now}
      WHERE enqueued_at IS NULL AND (id, run) IN (VALUES ${sql.join(pairs, sql`, `)})`);
  }
}

/** Sends every pending, not yet enqueued delivery matching `where`. Returns how many were sent. */
export async function dispatchDeliveries(
  db: Database,
  queue: Queue<DeliveryMessage>,
  where: SQL,
  maxBatches = 10,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await db
      .select({ id: webhookDeliveries.id, run: webhookDeliveries.run })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, "pending"), isNull(webhookDeliveries.enqueuedAt), where))
      .limit(SEND_SIZE);
    if (rows.length === 0) break;
    await queue.sendBatch(rows.map((r) => ({ body: { delivery_id: r.id, run: r.run }, contentType: "json" as const })));
    await markEnqueued(db, rows);
    sent += rows.length;
    if (rows.length < SEND_SIZE) break;
  }
  return sent;
}

/** The every-minute sweep: deliveries written a minute ago or more and still not on the queue. */
export function sweepUndispatched(db: Database, queue: Queue<DeliveryMessage>, now = Date.now()) {
  const cutoff = new Date(now - SWEEP_AGE_MS).toISOString();
  return dispatchDeliveries(db, queue, lt(webhookDeliveries.updatedAt, cutoff), 20);
}
