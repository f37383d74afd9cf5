import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch, type Statement } from "../../db/batch";
import { payments } from "../../db/schema";
import { AppError, conflict, forbidden, invalidTransition } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { isAllowed, PERMISSIONS } from "../../middleware/permissions";
import type { RequestMeta } from "../audit";
import { salesRollup } from "../reports";
import { getSettings } from "../settings";
import type { CapturedPayment } from "./flow-contract";
import { endPaymentWait } from "./flow-handover";
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
  alongside: Statement[] = [],
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
    timeZone,
  );
  try {
    await runBatch(db, [
      ...cancel.statements,
      ...(refund?.statements ?? []),
      salesRollup(db, { timeZone, at: now, currency: order.currency }, { ordersCancelled: 1 }),
      ...alongside,
    ]);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    const current = await findOrder(db, order.id);
    throw invalidTransition(`The order changed meanwhile (it is now ${current?.status}); it cannot be cancelled.`);
  }
}

const REFUND_RULE = PERMISSIONS["POST /v1/orders/:id/refund"];

/**
 * `alongside`: statements that must commit with the cancellation (a guard of the
 * caller's), built once the order is read and its rules pass; throwing refuses the
 * cancellation, and a statement aborting the batch fails it as "changed meanwhile".
 */
export async function cancelOrder(
  deps: OrderDeps,
  orderId: string,
  actor: Actor,
  reason: string | undefined,
  meta: RequestMeta,
  alongside: () => Promise<Statement[]> = async () => [],
) {
  const { order, lines } = await loadOrder(deps.db, orderId, actor);
  if (isCustomer(actor) && order.status === "processing") {
    throw forbidden("A paid order is cancelled by the store; please contact us.");
  }
  // Cancelling a paid order refunds it: only those who may refund may do it.
  if (order.status === "processing" && !(REFUND_RULE && isAllowed(REFUND_RULE, actor))) {
    throw forbidden("Cancelling a paid order refunds it, and you may not refund orders.");
  }
  assertTransition(order, "cancelled", "cancelled");
  // Cancelling restocks every unit: once some have left, they are not on the shelf to restock.
  const gone = lines.reduce((sum, l) => sum + l.fulfilled.reduce((n, f) => n + f.qty, 0), 0);
  if (gone > 0) {
    throw conflict(
      `${gone} units of this order have already been fulfilled; fulfil the rest and refund, rather than cancel.`,
      { fulfilled_units: gone },
    );
  }
  await commitCancellation(deps, order, lines, reason ?? "requested", meta, await alongside());
  await settleCancellation(deps, orderId, { strict: false, actorId: actor.id });
  // A pending order's flow is waiting for its payment: it ends now rather than at the expiry.
  if (order.status === "pending") await endPaymentWait(deps.flow, orderId);
}

/**
 * The order's flow, when its wait for payment ends at the hold's expiry: a pending
 * order is cancelled (`expired`) and its holds released; a payment claimed in time is
 * answered for the flow to finish; anything else (paid, cancelled meanwhile) is over.
 * The cancellation is guarded like any other, so a payment that claims the order first wins.
 */
export async function expireOrder(deps: OrderDeps, orderId: string): Promise<"expired" | "over" | CapturedPayment> {
  // At most: a racing payment or cancellation wins the guard, and the next look sees what it left.
  for (let look = 0; look < 3; look++) {
    const order = await findOrder(deps.db, orderId);
    if (order?.status === "paying") {
      const [payment] = await deps.db
        .select({ id: payments.id })
        .from(payments)
        .where(and(eq(payments.orderId, orderId), eq(payments.status, "pending")))
        .limit(1);
      if (payment) return { kind: "payment", payment_id: payment.id, provider_ref: null };
      continue;
    }
    if (order?.status === "cancelled") {
      // Settling is idempotent: a retry of this step after a failed release finishes it.
      await settleCancellation(deps, orderId, { strict: true, actorId: null });
      return order.cancelReason === "expired" ? "expired" : "over";
    }
    if (order?.status !== "pending") return "over";
    try {
      await commitCancellation(deps, order, await linesOf(deps.db, orderId), "expired", systemMeta("expiry"));
    } catch (err) {
      if (err instanceof AppError && err.code === "INVALID_TRANSITION") continue;
      throw err;
    }
    await settleCancellation(deps, orderId, { strict: true, actorId: null });
    return "expired";
  }
  throw new Error(`order ${orderId} kept changing while it expired`);
}
