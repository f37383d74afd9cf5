/*
 * Reaching an order's workflow instance through its binding: starting it (after the
 * checkout batch, and from the minute sweep for orders whose instance never came to
 * be), handing it a payment, and waiting for the commit step's outcome of one payment.
 */
import { and, asc, inArray, isNull, lt } from "drizzle-orm";
import type { Database } from "../../db/client";
import { orders } from "../../db/schema";
import { log } from "../../lib/log";
import {
  type CapturedPayment,
  COMMIT_STEP,
  type CommitOutcome,
  type OrderFlowBinding,
  PAYMENT_EVENT,
  type PaymentEvent,
} from "./flow-contract";

/** Creates the order's instance. One that already exists is the same instance: creating it twice is harmless. */
export async function startOrderFlow(flow: OrderFlowBinding, orderId: string): Promise<void> {
  try {
    await flow.create({ id: orderId, params: { order_id: orderId } });
  } catch (err) {
    if (alreadyExists(err)) return;
    // The minute sweep starts it (`startMissingFlows`), so the checkout still stands.
    log.warn("starting an order's workflow failed; the minute sweep starts it", { order_id: orderId, error: err });
  }
}

function alreadyExists(err: unknown): boolean {
  return err instanceof Error && /already.exists/.test(err.message);
}

/** The order's instance, created first when the order predates the workflow or lost its start. */
async function instanceOf(flow: OrderFlowBinding, orderId: string): Promise<WorkflowInstance> {
  try {
    return await flow.get(orderId);
  } catch {
    await startOrderFlow(flow, orderId);
    return flow.get(orderId);
  }
}

/**
 * How long a request waits for the flow to commit its payment: the commit is a few
 * object calls and one batch, so past this the flow is retrying a failure and the
 * request answers with the order as it stands (`paying`).
 */
export const COMMIT_WAIT_MS = 15_000;

const isCommitOf =
  (paymentId: string) =>
  (event: WorkflowInstanceEvent): CommitOutcome | null => {
    if (event.type !== "step_completed" || !event.stepName.startsWith(COMMIT_STEP)) return null;
    const output = event.output as CommitOutcome | undefined;
    return output?.payment_id === paymentId ? output : null;
  };

/**
 * Hands a captured payment to the order's flow and waits for its commit step's
 * outcome for that payment: from the instance's own event stream (which replays its
 * history first, so a commit that already happened is found at once). Null when the
 * flow did not get there within `waitMs` or ended without it.
 */
export async function handOverPayment(
  flow: OrderFlowBinding,
  orderId: string,
  payment: CapturedPayment,
  waitMs = COMMIT_WAIT_MS,
): Promise<CommitOutcome | null> {
  const instance = await instanceOf(flow, orderId);
  const subscription = await instance.subscribe({ filter: ["step_completed"] });
  try {
    await instance.sendEvent({ type: PAYMENT_EVENT, payload: payment });
    return await firstMatch(subscription, isCommitOf(payment.payment_id), waitMs);
  } finally {
    subscription[Symbol.dispose]();
  }
}

/** Waits for the commit of a payment the flow is finishing on its own (a resumed one). */
export async function awaitCommit(
  flow: OrderFlowBinding,
  orderId: string,
  paymentId: string,
  waitMs = COMMIT_WAIT_MS,
): Promise<CommitOutcome | null> {
  const instance = await flow.get(orderId);
  const subscription = await instance.subscribe({ filter: ["step_completed"] });
  try {
    return await firstMatch(subscription, isCommitOf(paymentId), waitMs);
  } finally {
    subscription[Symbol.dispose]();
  }
}

async function firstMatch<T>(
  subscription: WorkflowInstanceSubscription,
  match: (event: WorkflowInstanceEvent) => T | null,
  waitMs: number,
): Promise<T | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return null;
    const next = await Promise.race([subscription.next(), scheduler.wait(left).then(() => null)]);
    if (next === null || next.done) return null;
    const found = match(next.value);
    if (found !== null) return found;
  }
}

/** An order this young may still be starting its instance from its own request. */
const START_GRACE_MS = 60_000;

/**
 * Minute sweep: orders still waiting on payment (pending, paying) whose instance never
 * ran (its request died before creating it, or the order predates the workflow) get
 * one now, at most 100 a run (one `createBatch`). Orders mark their start from the
 * flow's first step, so each is picked up until its instance runs, then never again.
 */
export async function startMissingFlows(db: Database, flow: OrderFlowBinding, now = Date.now()): Promise<number> {
  const due = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        inArray(orders.status, ["pending", "paying"]),
        isNull(orders.flowStartedAt),
        lt(orders.createdAt, new Date(now - START_GRACE_MS).toISOString()),
      ),
    )
    .orderBy(asc(orders.createdAt))
    .limit(100);
  if (due.length === 0) return 0;
  const { created } = await flow.createBatch({
    instances: due.map(({ id }) => ({ id, params: { order_id: id } })),
  });
  return created.length;
}

/** Tells a pending order's flow that the order ended without a payment. Best effort: its expiry ends it anyway. */
export async function endPaymentWait(flow: OrderFlowBinding, orderId: string): Promise<void> {
  try {
    const instance = await flow.get(orderId);
    await instance.sendEvent({ type: PAYMENT_EVENT, payload: { kind: "cancelled" } satisfies PaymentEvent });
  } catch (err) {
    log.warn("telling an order's workflow it was cancelled failed; its expiry ends it", {
      order_id: orderId,
      error: err,
    });
  }
}
