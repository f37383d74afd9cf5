import { and, asc, eq, lt, type SQL, sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import { orders, payments } from "../../db/schema";
import { AppError, invalidTransition, notFound } from "../../lib/errors";
import { log } from "../../lib/log";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { flushOutbox } from "../events";
import { expirePendingOrders } from "./cancel";
import { completePayment } from "./payment";
import type { PaymentRow } from "./payment-outcomes";
import { findOrder, linesOf, type OrderDeps, type OrderRow, orderDeps, systemMeta } from "./store";

/**
 * The every-minute order sweeps: pending orders past `expires_at` are cancelled
 * (`expired`), payments whose request died mid-way are completed or unwound, and the
 * events they wrote are published at once.
 */
export async function runOrderSweeps(env: Env, now: number): Promise<{ expired: number; resumed: number }> {
  const db = createDb(env.DB);
  const deps = orderDeps(env, db);
  try {
    const expired = await expirePendingOrders(deps, now);
    const resumed = await resumeStalledPayments(deps, now);
    return { expired, resumed };
  } finally {
    await flushOutbox(db, env.EVENTS);
  }
}

/** Longer than any request takes: a payment claimed this long ago has lost its request. */
const STALLED_AFTER_MS = 2 * 60_000;
/**
 * Failed sweep runs after which a payment is left to staff: a payment that fails the
 * same way every minute must not stay in front of the others forever.
 */
export const MAX_RESUME_ATTEMPTS = 3;

function stalledSince(now: number): string {
  return new Date(now - STALLED_AFTER_MS).toISOString();
}

/** The pending payment of each order in `paying` whose request died, oldest first. */
function stalledPayments(deps: OrderDeps, now: number, also?: SQL) {
  return deps.db
    .select({ order: orders, payment: payments })
    .from(orders)
    .innerJoin(payments, and(eq(payments.orderId, orders.id), eq(payments.status, "pending")))
    .where(and(eq(orders.status, "paying"), lt(orders.updatedAt, stalledSince(now)), also))
    .orderBy(asc(orders.updatedAt), asc(orders.id));
}

/** Runs a payment's steps 2 to 5 again; a 409 is a final outcome (cancelled, declined), already recorded. */
async function resume(deps: OrderDeps, order: OrderRow, payment: PaymentRow, meta: RequestMeta): Promise<void> {
  const provider = deps.payments[payment.provider];
  if (!provider) throw new Error(`payment provider ${payment.provider} is not configured`);
  await completePayment(deps, order, await linesOf(deps.db, order.id), payment, provider, meta, true);
}

async function recordResumeFailure(deps: OrderDeps, payment: PaymentRow, err: unknown) {
  await deps.db
    .update(payments)
    .set({
      resumeAttempts: sql`${payments.resumeAttempts} + 1`,
      resumeError: (err instanceof Error ? err.message : String(err)).slice(0, 500),
    })
    .where(eq(payments.id, payment.id));
}

/**
 * Cron: runs again every payment whose request died between claim and completion.
 * One that fails is counted and skipped; at `MAX_RESUME_ATTEMPTS` it leaves the sweep
 * for staff (`GET /v1/orders/stuck`), so a poisoned order never blocks the others.
 */
export async function resumeStalledPayments(deps: OrderDeps, now = Date.now(), limit = 20): Promise<number> {
  const stalled = await stalledPayments(deps, now, lt(payments.resumeAttempts, MAX_RESUME_ATTEMPTS)).limit(limit);
  let resumed = 0;
  for (const { order, payment } of stalled) {
    try {
      await resume(deps, order, payment, systemMeta("resume"));
      resumed++;
    } catch (err) {
      if (err instanceof AppError && err.status === 409) continue;
      await recordResumeFailure(deps, payment, err);
      log.warn(
        payment.resumeAttempts + 1 >= MAX_RESUME_ATTEMPTS
          ? "stalled payment left to staff after repeated failures"
          : "resuming a stalled payment failed",
        { order_id: order.id, payment_id: payment.id, attempt: payment.resumeAttempts + 1, error: err },
      );
    }
  }
  return resumed;
}

/** Orders stuck in `paying`, for staff: how often the sweep tried and why it failed. */
export async function listStuckOrders(deps: OrderDeps, now = Date.now()) {
  const rows = await stalledPayments(deps, now).limit(200);
  return {
    data: rows.map(({ order, payment }) => ({
      order_id: order.id,
      customer_id: order.customerId,
      total: order.total,
      currency: order.currency,
      paying_since: order.updatedAt,
      payment_id: payment.id,
      provider: payment.provider,
      resume_attempts: payment.resumeAttempts,
      last_error: payment.resumeError,
      left_to_staff: payment.resumeAttempts >= MAX_RESUME_ATTEMPTS,
    })),
    checked_at: nowIso(),
  };
}

/**
 * Staff resolve a stuck order: its payment runs again now (completing it or cancelling
 * with a refund); a failure is recorded as one more attempt and answered 503.
 */
export async function resumeStuckOrder(deps: OrderDeps, orderId: string, meta: RequestMeta): Promise<void> {
  const order = await findOrder(deps.db, orderId);
  if (!order) throw notFound("Order");
  // Staff may act on a payment younger than the sweep's threshold: they know its request died.
  const [row] = await stalledPayments(deps, Date.now() + STALLED_AFTER_MS, eq(orders.id, orderId)).limit(1);
  if (!row) throw invalidTransition(`The order is ${order.status}, not stuck in paying.`);
  try {
    await resume(deps, row.order, row.payment, meta);
  } catch (err) {
    if (err instanceof AppError) throw err;
    await recordResumeFailure(deps, row.payment, err);
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "The payment could not be completed; see last_error in /v1/orders/stuck.",
      {
        extra: { order_id: orderId, payment_id: row.payment.id },
      },
    );
  }
}
