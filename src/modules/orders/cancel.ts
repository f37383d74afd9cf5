import { and, asc, eq, lte } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch } from "../../db/batch";
import { orders, payments } from "../../db/schema";
import { AppError, forbidden, invalidTransition } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { log } from "../../lib/log";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { salesRollup } from "../reports";
import { getSettings } from "../settings";
import { getOrderDetail } from "./reads";
import { planFullRefund, refundStatements } from "./refund-plan";
import { settleCancellation } from "./settle";
import {
  findOrder,
  isCustomer,
  type LineRow,
  linesOf,
  loadOrder,
  type OrderDeps,
  type OrderRow,
  systemMeta,
} from "./store";
import { assertTransition, transitionStatements } from "./transitions";

/**
 * Writes a cancellation: pending orders give their holds back; a paid (processing)
 * order is refunded in full and every line restocked, recorded as a pending refund in
 * the same batch. The effects are settled after, and again by the pipeline.
 */
async function commitCancellation(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  reason: string,
  meta: RequestMeta,
): Promise<void> {
  const { db } = deps;
  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(db);
  let refundId: string | null = null;
  let refund: ReturnType<typeof refundStatements> | null = null;
  if (order.status === "processing") {
    const [payment] = await db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.orderId, order.id), eq(payments.status, "succeeded")))
      .limit(1);
    refundId = newId("rfd");
    refund = refundStatements(
      db,
      order,
      planFullRefund(order, lines, () => true),
      { refundId, paymentId: payment?.id ?? null, reason: "order_cancelled", now, timeZone },
    );
  }
  const cancel = transitionStatements(
    db,
    meta,
    order,
    {
      to: "cancelled",
      set: { cancelledAt: now, cancelReason: reason, ...refund?.set },
      reason,
      event: { type: "order.cancelled", data: { reason, previous_status: order.status, refund_id: refundId } },
      auditAction: "order.cancelled",
    },
    now,
  );
  try {
    await runBatch(db, [
      ...cancel.statements,
      ...(refund?.statements ?? []),
      salesRollup(db, { timeZone, at: now, currency: order.currency }, { ordersCancelled: 1 }),
    ]);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    const current = await findOrder(db, order.id);
    throw invalidTransition(`The order changed meanwhile (it is now ${current?.status}); it cannot be cancelled.`);
  }
}

export async function cancelOrder(
  deps: OrderDeps,
  orderId: string,
  actor: Actor,
  reason: string | undefined,
  meta: RequestMeta,
) {
  const { order, lines } = await loadOrder(deps.db, orderId, actor);
  if (isCustomer(actor) && order.status === "processing") {
    throw forbidden("A paid order is cancelled by the store; please contact us.");
  }
  assertTransition(order, "cancelled", "cancelled");
  await commitCancellation(deps, order, lines, reason ?? "requested", meta);
  await settleCancellation(deps, orderId, { strict: false, actorId: actor.id });
  return getOrderDetail(deps, orderId, actor);
}

/**
 * Cancels one pending order whose time is up (reason `expired`). Used by the
 * every-minute sweep and by the reaction to a stock object's expired hold; a payment
 * or cancellation that got there first simply wins. Returns whether it cancelled.
 */
export async function expireOrder(deps: OrderDeps, orderId: string, now = Date.now()): Promise<boolean> {
  const order = await findOrder(deps.db, orderId);
  if (order?.status !== "pending" || Date.parse(order.expiresAt) > now) return false;
  try {
    await commitCancellation(deps, order, await linesOf(deps.db, orderId), "expired", systemMeta("expiry"));
  } catch (err) {
    if (err instanceof AppError && err.code === "INVALID_TRANSITION") return false;
    throw err;
  }
  await settleCancellation(deps, orderId, { strict: false, actorId: null });
  return true;
}

/** Cron: cancels the pending orders past `expires_at`, oldest first, a bounded number per run. */
export async function expirePendingOrders(deps: OrderDeps, now = Date.now(), limit = 100): Promise<number> {
  const due = await deps.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, "pending"), lte(orders.expiresAt, new Date(now).toISOString())))
    .orderBy(asc(orders.expiresAt))
    .limit(limit);
  let expired = 0;
  for (const { id } of due) {
    try {
      if (await expireOrder(deps, id, now)) expired++;
    } catch (err) {
      log.warn("expiring an order failed; the next sweep retries", { order_id: id, error: err });
    }
  }
  return expired;
}
