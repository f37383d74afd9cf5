import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { insertIf } from "../../db/batch";
import type { Database } from "../../db/client";
import { events } from "../../db/schema";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { eventDefinition, isEventType } from "./event-types";
import { noteWrittenEvent } from "./written";

export interface OutboxEvent {
  type: string;
  resourceType: string;
  resourceId: string;
  data: Record<string, unknown>;
  /**
   * The id a keyed request derived for the effect it records (see `keyedId`): a retry
   * of a request whose first run committed cannot record it twice, and finds it
   * (`eventRecorded`). A fresh id otherwise.
   */
  id?: string;
}

/** An event whose id and time were fixed by its writer beforehand (see `recordedEventInsert`). */
export interface RecordedEvent extends OutboxEvent {
  id: string;
  createdAt: string;
}

/**
 * The event as it will be stored: a type and payload the catalog does not describe
 * is a programming error, refused here, before the caller's batch runs, so a
 * consumer never receives an event the documentation does not promise.
 */
function outboxRow(event: OutboxEvent, recorded?: { id: string; createdAt: string }) {
  if (!isEventType(event.type)) throw new Error(`Unknown event type ${event.type}; add it to the event catalog.`);
  const parsed = eventDefinition(event.type).data.safeParse(event.data);
  if (!parsed.success) {
    throw new Error(`Event ${event.type} does not match its catalog schema: ${parsed.error.message}`);
  }
  const id = recorded?.id ?? event.id ?? newId("evt");
  noteWrittenEvent(id);
  return {
    id,
    type: event.type,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    data: parsed.data,
    createdAt: recorded?.createdAt ?? nowIso(),
  };
}

/**
 * The outbox row for an event, to run in the same D1 batch as the change it
 * describes (docs/architecture.md, "Events, queues and webhooks"): the change and its event commit together or not at all.
 */
export function eventInsert(db: Database, event: OutboxEvent) {
  const row = outboxRow(event);
  return { id: row.id, statement: db.insert(events).values(row) };
}

/**
 * The outbox row for an event its writer recorded earlier with its final id, such as a
 * stock object's queued events: writing it twice (a retried flush) is a no-op.
 */
export function recordedEventInsert(db: Database, event: RecordedEvent) {
  const { id, createdAt, ...rest } = event;
  return db.insert(events).values(outboxRow(rest, { id, createdAt })).onConflictDoNothing();
}

/**
 * Like `eventInsert`, but the row is written only if `onlyIf` holds when the
 * statement runs inside the batch: the event of a guarded update is recorded
 * exactly when that update landed.
 */
export function eventInsertIf(db: Database, event: OutboxEvent, onlyIf: SQL) {
  const row: typeof events.$inferSelect = { ...outboxRow(event), sentAt: null, sendAttempts: 0 };
  const statement = insertIf(db, events, row, onlyIf);
  return { id: row.id, statement };
}

/**
 * Like `eventInsert`, with payload fields that the same batch computes filled in by SQL as
 * it runs (such as a document number allocated by an earlier statement of the batch, which
 * the writer cannot know beforehand). `event.data` must still carry a value of the right
 * type for them, which the catalog checks and `fill` then replaces.
 */
export function eventInsertFilled(db: Database, event: OutboxEvent, fill: Record<string, SQL>) {
  const row: typeof events.$inferSelect = { ...outboxRow(event), sentAt: null, sendAttempts: 0 };
  const values = Object.entries(getTableColumns(events)).map(([key, column]) => {
    const value = sql.param(row[key as keyof typeof row], column);
    if (key !== "data") return value;
    return Object.entries(fill).reduce<SQL>(
      (data, [field, expr]) => sql`json_set(${data}, ${`$.${field}`}, ${expr})`,
      sql`${value}`,
    );
  });
  const statement = db.insert(events).select(sql`SELECT ${sql.join(values, sql`, `)}`);
  return { id: row.id, statement };
}
