/*
 * Publishing the outbox: rows of `events` not yet on the EVENTS queue are sent
 * there in bounded batches and marked `sent_at` only after the send succeeded, so a
 * crash or a failed send leaves them unsent for the next try (at least once; the
 * consumers are idempotent by event id).
 *
 * Each batch is claimed first by bumping `send_attempts` from the value read
 * (compare-and-set), so two publishers never send the same row at the same time.
 * After commit, a request publishes the rows it wrote (`publishWritten`, by id), and
 * consumers `flushOutbox` fresh rows (never tried); the every-minute
 * sweep takes every row still unsent 60 s after it was written, which covers a
 * worker that died between commit and send and a send that failed.
 */
import { and, asc, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { events } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { log } from "../../lib/log";
import { nowIso } from "../../lib/time";

export interface EventMessage {
  event_id: string;
  /**
   * The event's type, so a consumer can skip work no step of it handles without reading
   * the event. Absent on messages sent before it was added: those are read as before.
   */
  type?: string;
}

// Two bound parameters per claimed row; D1 allows 100 per statement.
const BATCH_SIZE = 40;
const SWEEP_AGE_MS = 60_000;

/** Sends rows this publisher claimed, then marks them sent. */
async function sendClaimed(db: Database, queue: Queue<EventMessage>, claimed: { id: string; type: string }[]) {
  if (claimed.length === 0) return;
  await queue.sendBatch(
    claimed.map(({ id, type }) => ({ body: { event_id: id, type }, contentType: "json" as const })),
  );
  await db
    .update(events)
    .set({ sentAt: nowIso() })
    .where(
      inList(
        events.id,
        claimed.map((c) => c.id),
      ),
    );
}

async function publishBatch(db: Database, queue: Queue<EventMessage>, where: SQL): Promise<number | null> {
  const rows = await db
    .select({ id: events.id, attempts: events.sendAttempts })
    .from(events)
    .where(where)
    .orderBy(asc(events.createdAt))
    .limit(BATCH_SIZE);
  if (rows.length === 0) return null;
  const claimed = await db.all<{ id: string; type: string }>(sql`UPDATE events SET send_attempts = send_attempts + 1
    WHERE sent_at IS NULL AND (id, send_attempts) IN (VALUES ${sql.join(
      rows.map((r) => sql`(${r.id}, ${r.attempts})`),
      sql`, `,
    )}) RETURNING id, type`);
  await sendClaimed(db, queue, claimed);
  return rows.length;
}

async function publish(db: Database, queue: Queue<EventMessage>, where: () => SQL, maxBatches: number) {
  let sent = 0;
  for (let i = 0; i < maxBatches; i++) {
    const seen = await publishBatch(db, queue, where());
    if (seen === null) break;
    sent += seen;
    if (seen < BATCH_SIZE) break;
  }
  return sent;
}

export interface FlushOptions {
  /** Only these events: for a writer that knows what it just committed (a Durable Object, a consumer). */
  eventIds?: string[];
  maxBatches?: number;
}

/**
 * Sends the rows committed but never tried (or, with `eventIds`, those rows if still
 * unsent). Called by Durable Objects and consumers that write events (requests
 * publish what they wrote with `publishWritten`). Never throws: what it could not
 * send, the sweep sends.
 */
export async function flushOutbox(db: Database, queue: Queue<EventMessage>, options: FlushOptions = {}): Promise<void> {
  const { eventIds } = options;
  try {
    if (eventIds) {
      for (const chunk of chunks(eventIds, BATCH_SIZE)) {
        await publishBatch(db, queue, and(isNull(events.sentAt), inList(events.id, chunk)) as SQL);
      }
    } else {
      const fresh = () => and(isNull(events.sentAt), eq(events.sendAttempts, 0)) as SQL;
      await publish(db, queue, fresh, options.maxBatches ?? 5);
    }
  } catch (err) {
    log.warn("outbox flush failed; the sweep will retry", { error: err });
  }
}

/**
 * After a request: publishes the events it just wrote, by id. They were never tried,
 * so each is claimed straight away (`send_attempts` 0 → 1, the same compare-and-set as
 * a batch claim) without reading them first: one claim, one send, one mark per 40.
 * Never throws: what it could not send, the sweep sends.
 */
export async function publishWritten(db: Database, queue: Queue<EventMessage>, eventIds: string[]): Promise<void> {
  try {
    for (const chunk of chunks(eventIds, BATCH_SIZE)) {
      const claimed = await db
        .update(events)
        .set({ sendAttempts: sql`${events.sendAttempts} + 1` })
        .where(and(isNull(events.sentAt), eq(events.sendAttempts, 0), inList(events.id, chunk)))
        .returning({ id: events.id, type: events.type });
      await sendClaimed(db, queue, claimed);
    }
  } catch (err) {
    log.warn("outbox publish failed; the sweep will retry", { error: err });
  }
}

/** The every-minute sweep: re-sends every row still unsent a minute after it was written. */
export function sweepOutbox(db: Database, queue: Queue<EventMessage>, now = Date.now(), maxBatches = 25) {
  const cutoff = new Date(now - SWEEP_AGE_MS).toISOString();
  return publish(db, queue, () => and(isNull(events.sentAt), lt(events.createdAt, cutoff)) as SQL, maxBatches);
}
