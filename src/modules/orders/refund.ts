import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, RACE_ATTEMPTS, racePause, runBatch, type Statement } from "../../db/batch";
import { payments, refunds } from "../../db/schema";
import { conflict, invalidTransition } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { getSettings } from "../settings";
import { type HeldBack, planRefund, refundStatements } from "./refund-plan";
import type { RefundInput } from "./schemas";
import { settleRefund } from "./settle";
import { loadOrder, type OrderDeps } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

export interface RefundOptions {
  /** The refund id a keyed request derived (see `keyedId`); a fresh one otherwise. */
  refundId?: string;
  /** Kept back from the money, in minor units (order returns). */
  restockingFee?: number;
  /**
   * Units the refund must leave alone (in open returns), read afresh for every attempt,
   * with `alongside` guarding that they did not change before the batch commits.
   */
  heldBack?: () => Promise<HeldBack>;
  /**
   * Statements that must commit with the refund (an order return's own transition),
   * built afresh for every attempt; throwing refuses the refund.
   */
  alongside?: (refundId: string, now: string) => Promise<Statement[]>;
}

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
  options: RefundOptions = {},
) {
  const refundId = options.refundId ?? newId("rfd");
  const [earlier] = await deps.db.select({ id: refunds.id }).from(refunds).where(eq(refunds.id, refundId)).limit(1);
  // A retry of a keyed refund whose first run committed: settle that one, refund nothing more.
  for (let attempt = 1; !earlier; attempt++) {
    const { order, lines } = await loadOrder(deps.db, orderId, actor);
    const now = nowIso();
    // First: the caller's refusal (its return already refunded) outranks "nothing left to refund".
    const alongside = options.alongside ? await options.alongside(refundId, now) : [];
    if (order.status === "refunded") throw invalidTransition("The order is already fully refunded.");
    assertTransition(order, "refunded", "refunded");
    const heldBack = options.heldBack ? await options.heldBack() : undefined;
    const plan = planRefund(order, lines, input.lines, options.restockingFee, heldBack);
    const [payment] = await deps.db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.orderId, orderId), eq(payments.status, "succeeded")))
      .limit(1);
    const { time_zone: timeZone } = await getSettings(deps.db);
    const refund = refundStatements(deps.db, order, plan, {
      refundId,
      paymentId: payment?.id ?? null,
      reason: input.reason,
      now,
      timeZone,
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
          data: {
            refund_id: refundId,
            amount: plan.amount,
            restocking_fee: plan.restockingFee,
            fully_refunded: plan.fully,
            reason: input.reason,
          },
        },
        auditAction: "order.refunded",
      },
      now,
      timeZone,
    );
    try {
      await runBatch(deps.db, [...transition.statements, ...refund.statements, ...alongside]);
      break;
    } catch (err) {
      if (!isGuardFailure(err)) throw err;
      if (attempt >= RACE_ATTEMPTS) throw conflict("The order is changing too fast; retry the refund.");
      await racePause(attempt);
    }
  }
  await settleRefund(deps, refundId, { strict: false, actorId: actor.id });
}
