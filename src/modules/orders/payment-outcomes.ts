import { eq } from "drizzle-orm";
import { isGuardFailure, runBatch } from "../../db/batch";
import { payments } from "../../db/schema";
import { type AppError, conflict, invalidTransition } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { salesRollup } from "../reports";
import { getSettings } from "../settings";
import type { LineAvailability } from "./holds";
import type { Secured } from "./payment-stock";
import { planFullRefund, refundStatements } from "./refund-plan";
import { settleCancellation } from "./settle";
import { findOrder, type LineRow, type OrderDeps, type OrderRow } from "./store";
import { transitionStatements } from "./transitions";

export type PaymentRow = typeof payments.$inferSelect;

export async function lostRace(deps: OrderDeps, orderId: string, action: string): Promise<AppError> {
  const now = await findOrder(deps.db, orderId);
  return invalidTransition(`The order changed meanwhile (it is now ${now?.status ?? "gone"}); it cannot be ${action}.`);
}

/**
 * The stock is gone: the decision (cancel, with a refund of anything that may have
 * been captured, restocking exactly the lines already sold) is written first; the
 * settling runs now and again from the `order.cancelled` event. Answers the lines
 * that fell short.
 */
export async function abandonPayment(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  outcome: Secured[],
  providerRef: string | null,
  meta: RequestMeta,
  money: { captured: boolean },
): Promise<LineAvailability[]> {
  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(deps.db);
  const sold = new Set(outcome.filter((s) => s.ok && s.committed).map((s) => s.line.productId));
  const refundId = money.captured ? await derivedId("rfd", payment.id) : null;
  const refund = refundId
    ? refundStatements(
        deps.db,
        order,
        planFullRefund(order, lines, (line) => sold.has(line.productId)),
        {
          refundId,
          paymentId: payment.id,
          reason: "reservation_expired",
          now,
          timeZone,
        },
      )
    : { statements: [], set: {} };
  const cancel = transitionStatements(
    deps.db,
    meta,
    order,
    {
      to: "cancelled",
      set: { cancelledAt: now, cancelReason: "reservation_expired", ...refund.set },
      reason: "reservation_expired",
      event: {
        type: "order.cancelled",
        data: { reason: "reservation_expired", previous_status: order.status, refund_id: refundId },
      },
      auditAction: "order.cancelled",
    },
    now,
    timeZone,
  );
  const statements = [
    ...cancel.statements,
    ...refund.statements,
    salesRollup(deps.db, { timeZone, at: now, currency: order.currency }, { ordersCancelled: 1 }),
    deps.db
      .update(payments)
      .set(
        money.captured
          ? { status: "succeeded", providerRef, updatedAt: now }
          : { status: "failed", failureCode: "reservation_expired", updatedAt: now },
      )
      .where(eq(payments.id, payment.id)),
  ];
  try {
    await runBatch(deps.db, statements);
  } catch (err) {
    if (isGuardFailure(err)) throw await lostRace(deps, order.id, "paid");
    throw err;
  }
  await settleCancellation(deps, order.id, { strict: false, actorId: meta.actor?.id ?? null });
  return outcome
    .filter((s) => !s.ok)
    .map((s) => ({
      product_id: s.line.productId,
      requested: s.line.qty,
      available: "available" in s ? s.available : 0,
    }));
}

export async function declinePayment(
  deps: OrderDeps,
  order: OrderRow,
  payment: PaymentRow,
  capture: { code: string; message: string },
  meta: RequestMeta,
): Promise<never> {
  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(deps.db);
  const back = transitionStatements(
    deps.db,
    meta,
    order,
    { to: "pending", reason: "payment_declined", auditAction: "order.payment_declined" },
    now,
    timeZone,
  );
  try {
    await runBatch(deps.db, [
      ...back.statements,
      deps.db
        .update(payments)
        .set({ status: "declined", failureCode: capture.code, failureMessage: capture.message, updatedAt: now })
        .where(eq(payments.id, payment.id)),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw await lostRace(deps, order.id, "paid");
    throw err;
  }
  throw conflict(`The payment was declined: ${capture.message}`, {
    order_id: order.id,
    payment_id: payment.id,
    decline_code: capture.code,
  });
}
