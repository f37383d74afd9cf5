/*
 * The order pipeline (seed 000's order workflow: payment, stock update, notify), run
 * by the EVENTS consumer for every order event it receives:
 * - `order.created`: auto-capture when the order asks for it;
 * - `order.cancelled` / `order.refunded`: settle (release holds, restock, refund money);
 * - `order.paid` / `order.refunded`: issue the invoice;
 * - `order.refunded` / `order.cancelled`: issue the credit note of the refund;
 * - every order event: record the customer's notification.
 * Delivery is at least once, so each step is idempotent by event id: a step's success
 * is recorded per (event, step) and not run again, and each step is itself idempotent
 * (derived payment ids, one invoice per order, one credit note per refund, one
 * notification per event). A failing step is recorded and raised, so the consumer
 * retries the message with backoff; after the last attempt it reaches the dead-letter
 * queue, whose consumer marks the failed steps `dead`.
 */
import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import { events, orderPipelineSteps } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { EventType } from "../events/catalog";
import { flushOutbox } from "../events/publisher";
import { ensureCreditNote } from "../invoices/credit-notes";
import { ensureInvoice } from "../invoices/issue";
import { type OrderEvent, recordOrderNotification } from "../notifications/service";
import { payOrder } from "./payment";
import { settleCancellation, settleRefund } from "./settle";
import { findOrder, type OrderDeps, orderDeps, systemMeta } from "./store";

export interface PipelineStep {
  name: string;
  on: readonly EventType[];
  run(deps: OrderDeps, event: OrderEvent): Promise<void>;
}

const refundIdOf = (event: OrderEvent) => (typeof event.data.refund_id === "string" ? event.data.refund_id : null);

async function autoCapture(deps: OrderDeps, event: OrderEvent): Promise<void> {
  const order = await findOrder(deps.db, event.resourceId);
  if (order?.status !== "pending" || order.captureMode !== "automatic") return;
  try {
    await payOrder(
      deps,
      order.id,
      { provider: "manual", method: "other", reference: "auto-capture" },
      null,
      systemMeta(event.id),
      await derivedId("pay", event.id),
    );
  } catch (err) {
    // 409s are outcomes already recorded on the order (paid meanwhile, cancelled, declined).
    if (!(err instanceof AppError && err.status === 409)) throw err;
  }
}

export const ORDER_PIPELINE: readonly PipelineStep[] = [
  { name: "auto_capture", on: ["order.created"], run: autoCapture },
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
    on: ["order.paid", "order.refunded"],
    async run(deps, event) {
      await ensureInvoice(deps.db, event.resourceId, systemMeta(event.id));
    },
  },
  {
    name: "credit_note",
    on: ["order.refunded", "order.cancelled"],
    async run(deps, event) {
      const refundId = refundIdOf(event);
      if (refundId) await ensureCreditNote(deps.db, refundId, systemMeta(event.id));
    },
  },
  {
    name: "notify_customer",
    on: ["order.created", "order.paid", "order.completed", "order.cancelled", "order.refunded"],
    async run(deps, event) {
      await recordOrderNotification(deps.db, event);
    },
  },
];

async function recordStep(deps: OrderDeps, eventId: string, step: string, error: unknown | null): Promise<void> {
  const status = error === null ? "done" : "failed";
  const lastError = error === null ? null : String(error).slice(0, 1000);
  await deps.db
    .insert(orderPipelineSteps)
    .values({ eventId, step, status, attempts: 1, lastError, updatedAt: nowIso() })
    .onConflictDoUpdate({
      target: [orderPipelineSteps.eventId, orderPipelineSteps.step],
      set: { status, attempts: sql`${orderPipelineSteps.attempts} + 1`, lastError, updatedAt: nowIso() },
    });
}

/** Runs the steps due for one event; throws if any failed, after running the others. */
export async function runOrderPipeline(
  deps: OrderDeps,
  eventId: string,
  steps: readonly PipelineStep[] = ORDER_PIPELINE,
): Promise<void> {
  const [row] = await deps.db.select().from(events).where(eq(events.id, eventId)).limit(1);
  if (!row) return;
  const due = steps.filter((s) => (s.on as readonly string[]).includes(row.type));
  if (due.length === 0) return;
  const done = new Set(
    (
      await deps.db
        .select({ step: orderPipelineSteps.step })
        .from(orderPipelineSteps)
        .where(and(eq(orderPipelineSteps.eventId, eventId), eq(orderPipelineSteps.status, "done")))
    ).map((r) => r.step),
  );
  const event: OrderEvent = {
    id: row.id,
    type: row.type,
    resourceId: row.resourceId,
    data: row.data,
    createdAt: row.createdAt,
  };
  const failed: string[] = [];
  // In order: an invoice must exist before its credit note.
  for (const step of due) {
    if (done.has(step.name)) continue;
    try {
      await step.run(deps, event);
      await recordStep(deps, eventId, step.name, null);
    } catch (err) {
      failed.push(step.name);
      await recordStep(deps, eventId, step.name, err);
    }
  }
  if (failed.length > 0) throw new Error(`order pipeline steps failed for ${eventId}: ${failed.join(", ")}`);
}

/** The EVENTS consumer's hook: the pipeline for one event, then the events its steps wrote are published. */
export async function runOrderPipelineForEvent(env: Env, eventId: string): Promise<void> {
  const db = createDb(env.DB);
  try {
    await runOrderPipeline(orderDeps(env, db), eventId);
  } finally {
    await flushOutbox(db, env.EVENTS);
  }
}

/** The EVENTS dead-letter hook: steps that failed on every attempt are marked `dead` for operators. */
export async function markOrderPipelineDead(env: Env, eventId: string): Promise<void> {
  await createDb(env.DB)
    .update(orderPipelineSteps)
    .set({ status: "dead", updatedAt: nowIso() })
    .where(and(eq(orderPipelineSteps.eventId, eventId), eq(orderPipelineSteps.status, "failed")));
}
