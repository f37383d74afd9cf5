import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { payments, refunds } from "../../db/schema";
import { conflict, invalidTransition } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit/service";
import { isGuardFailure, runBatch } from "./batch";
import { getOrderDetail } from "./reads";
import { planRefund, refundStatements } from "./refund-plan";
import type { RefundInput } from "./schemas";
import { settleRefund } from "./settle";
import { loadOrder, type OrderDeps } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

/** Refunds racing on one order each get through eventually; a short jittered pause spreads the retries. */
const RACE_ATTEMPTS = 10;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

/**
 * Refunds lines of a completed order (all that is left when no lines are named).
 * The refund, the lines' refunded quantities, the order's refunded amounts (and its
 * move to `refunded` with the last unit) and `order.refunded` commit together, guarded
 * on the version read; a concurrent refund makes this one re-read and re-check, so two
 * refunds can never return the same unit twice. Restock and money follow (settle).
 */
export async function refundOrder(
  deps: OrderDeps,
  orderId: string,
  input: RefundInput,
  actor: Actor,
  meta: RequestMeta,
  refundId: string = newId("rfd"),
) {
  const [earlier] = await deps.db.select({ id: refunds.id }).from(refunds).where(eq(refunds.id, refundId)).limit(1);
  // A retry of a keyed refund whose first run committed: settle that one, refund nothing more.
  for (let attempt = 1; !earlier; attempt++) {
    const { order, lines } = await loadOrder(deps.db, orderId, actor);
    if (order.status === "refunded") throw invalidTransition("The order is already fully refunded.");
    assertTransition(order, "refunded", "refunded");
    const plan = planRefund(order, lines, input.lines);
    const [payment] = await deps.db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.orderId, orderId), eq(payments.status, "succeeded")))
      .limit(1);
    const now = nowIso();
    const refund = refundStatements(deps.db, order, plan, {
      refundId,
      paymentId: payment?.id ?? null,
      reason: input.reason,
      now,
    });
    const transition = transitionStatements(
      deps.db,
      meta,
      order,
      {
        to: plan.fully ? "refunded" : "completed",
        set: refund.set,
        reason: input.reason,
        event: {
          type: "order.refunded",
          data: { refund_id: refundId, amount: plan.amount, fully_refunded: plan.fully, reason: input.reason },
        },
        auditAction: "order.refunded",
      },
      now,
    );
    try {
      await runBatch(deps.db, [...transition.statements, ...refund.statements]);
      break;
    } catch (err) {
      if (!isGuardFailure(err)) throw err;
      if (attempt >= RACE_ATTEMPTS) throw conflict("The order is changing too fast; retry the refund.");
      await pause(attempt);
    }
  }
  await settleRefund(deps, refundId, { strict: false, actorId: actor.id });
  return getOrderDetail(deps, orderId, actor);
}
