/*
 * The order pipeline after the sale, run by the EVENTS consumer for every order event
 * it receives. Until it is paid an order is carried by its workflow (./order-flow/:
 * payment, stock commit, invoice, payment notice, expiry); what follows, event by
 * event and over months, is here:
 * - `order.cancelled` / `order.refunded`: settle (release holds, restock, refund money);
 * - `order.refunded`: make sure the invoice exists before its credit note;
 * - `order.refunded` / `order.cancelled`: issue the credit note of the refund;
 * - `order.completed` / `order.cancelled` / `order.refunded`: record the customer's notification.
 * Delivery is at least once, so each step is idempotent by event id: a step's success
 * is recorded per (event, step) and not run again, and each step is itself idempotent
 * (one invoice per order, one credit note per refund, one notification per event). A
 * failing step is recorded and raised, so the consumer retries the message with
 * backoff; after the last attempt it reaches the dead-letter queue, whose consumer
 * marks the failed steps `dead`.
 */
import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { events, orderPipelineSteps } from "../db/schema";
import { errorSummary } from "../lib/log";
import { nowIso } from "../lib/time";
import { type EventMessage, type EventType, flushOutbox } from "../modules/events";
import { ensureCreditNote, ensureInvoice } from "../modules/invoices";
import { type OrderEvent, recordOrderNotification } from "../modules/notifications";
import { type OrderDeps, orderDeps, settleCancellation, settleRefund, systemMeta } from "../modules/orders";

export interface PipelineStep {
  name: string;
  on: readonly EventType[];
  /** Whether the step may write outbox events (which are then published right away). */
  emits?: boolean;
  run(deps: OrderDeps, event: OrderEvent): Promise<void>;
}

const refundIdOf = (event: OrderEvent) => (typeof event.data.refund_id === "string" ? event.data.refund_id : null);

export const ORDER_PIPELINE: readonly PipelineStep[] = [
  {
    name: "settle",
    on: ["order.cancelled", "order.refunded"],
    async run(deps, event) {
      const refundId = refundIdOf(event);
      if (event.type === "order.cancelled") {
        await settleCancellation(deps, event.resourceId, { strict: true, actorId: null });
      } else if (refundId) {
        await settleRefund(deps, refundId, { strict: true, actorId: null });
      }
    },
  },
  {
    name: "invoice",
    on: ["order.refunded"],
    emits: true,
    async run(deps, event) {
      await ensureInvoice(deps.db, event.resourceId, systemMeta(event.id));
    },
  },
  {
    name: "credit_note",
    on: ["order.refunded", "order.cancelled"],
    emits: true,
    async run(deps, event) {
      const refundId = refundIdOf(event);
      if (refundId) await ensureCreditNote(deps.db, refundId, systemMeta(event.id));
    },
  },
  {
    name: "notify_customer",
    on: ["order.completed", "order.cancelled", "order.refunded"],
    async run(deps, event) {
      await recordOrderNotification(deps.db, event);
    },
  },
];

/** One statement for every step this run tried: done, or failed with its error. */
async function recordSteps(deps: OrderDeps, eventId: string, outcomes: { step: string; error: unknown }[]) {
  const now = nowIso();
  await deps.db
    .insert(orderPipelineSteps)
    .values(
      outcomes.map(({ step, error }) => ({
        eventId,
        step,
        status: error === null ? ("done" as const) : ("failed" as const),
        attempts: 1,
        lastError: error === null ? null : errorSummary(error).slice(0, 1000),
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [orderPipelineSteps.eventId, orderPipelineSteps.step],
      set: {
        status: sql`excluded.status`,
        attempts: sql`${orderPipelineSteps.attempts} + 1`,
        lastError: sql`excluded.last_error`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

interface PipelineRun {
  failed: string[];
  /** Whether a step that writes events ran, so the outbox has something to publish. */
  emitted: boolean;
}

async function runSteps(deps: OrderDeps, eventId: string, steps: readonly PipelineStep[]): Promise<PipelineRun> {
  const [rows, recorded] = await deps.db.batch([
    deps.db.select().from(events).where(eq(events.id, eventId)).limit(1),
    deps.db
      .select({ step: orderPipelineSteps.step })
      .from(orderPipelineSteps)
      .where(and(eq(orderPipelineSteps.eventId, eventId), eq(orderPipelineSteps.status, "done"))),
  ]);
  const row = rows[0];
  const done = new Set(recorded.map((r) => r.step));
  const due = row ? steps.filter((s) => (s.on as readonly string[]).includes(row.type) && !done.has(s.name)) : [];
  if (!row || due.length === 0) return { failed: [], emitted: false };
  const event: OrderEvent = {
    id: row.id,
    type: row.type,
    resourceId: row.resourceId,
    data: row.data,
    createdAt: row.createdAt,
  };
  const outcomes: { step: string; error: unknown }[] = [];
  // In order: an invoice must exist before its credit note.
  for (const step of due) {
    try {
      await step.run(deps, event);
      outcomes.push({ step: step.name, error: null });
    } catch (err) {
      outcomes.push({ step: step.name, error: err ?? "failed" });
    }
  }
  await recordSteps(deps, eventId, outcomes);
  return {
    failed: outcomes.filter((o) => o.error !== null).map((o) => o.step),
    emitted: due.some((s) => s.emits),
  };
}

/** Runs the steps due for one event; throws if any failed, after running the others. */
export async function runOrderPipeline(
  deps: OrderDeps,
  eventId: string,
  steps: readonly PipelineStep[] = ORDER_PIPELINE,
): Promise<void> {
  const { failed } = await runSteps(deps, eventId, steps);
  if (failed.length > 0) throw new Error(`order pipeline steps failed for ${eventId}: ${failed.join(", ")}`);
}

/** Whether a step of `steps` handles events of this type; an unknown type (an older message) might. */
function mayHandle(steps: readonly PipelineStep[], type: string | undefined): boolean {
  return type === undefined || steps.some((s) => (s.on as readonly string[]).includes(type));
}

/**
 * The EVENTS consumer's hook: the pipeline for one event (the order's, or another
 * module's steps such as the returns'), then the events its steps wrote are published.
 * Most events (stock changes, catalog edits) have no step: their type, carried by the
 * message, skips them without reading D1.
 */
export async function runOrderPipelineForEvent(
  env: Env,
  message: EventMessage,
  steps: readonly PipelineStep[] = ORDER_PIPELINE,
): Promise<void> {
  if (!mayHandle(steps, message.type)) return;
  const eventId = message.event_id;
  const db = createDb(env.DB);
  const { failed, emitted } = await runSteps(orderDeps(env, db), eventId, steps);
  if (emitted) await flushOutbox(db, env.EVENTS);
  if (failed.length > 0) throw new Error(`order pipeline steps failed for ${eventId}: ${failed.join(", ")}`);
}

/** The EVENTS dead-letter hook: steps that failed on every attempt are marked `dead` for operators. */
export async function markOrderPipelineDead(env: Env, eventId: string): Promise<void> {
  await createDb(env.DB)
    .update(orderPipelineSteps)
    .set({ status: "dead", updatedAt: nowIso() })
    .where(and(eq(orderPipelineSteps.eventId, eventId), eq(orderPipelineSteps.status, "failed")));
}
