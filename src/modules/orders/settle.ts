/*
 * Settling: the stock and money effects that follow a decision already committed in
 * D1 (a cancellation, a refund). Everything here is idempotent (holds by their ids,
 * restocks by movement ids derived from the refund, provider refunds by refund id),
 * so it runs right after the decision and again from the order pipeline when the
 * decision's event arrives; whichever run gets through first does the work.
 * `strict` (the pipeline) raises on any failure so the event is retried; the request
 * path only logs, since the pipeline is its safety net.
 */
import { and, eq } from "drizzle-orm";
import { payments, refundLines, refunds } from "../../db/schema";
import { derivedId } from "../../lib/ids";
import { log } from "../../lib/log";
import { nowIso } from "../../lib/time";
import { stockObject } from "../stock";
import { type Hold, holdId, releaseHolds } from "./holds";
import { linesOf, type OrderDeps } from "./store";

export interface SettleOptions {
  strict: boolean;
  actorId: string | null;
}

function fail(options: SettleOptions, message: string, fields: Record<string, unknown>): void {
  if (options.strict) throw new Error(`${message}: ${JSON.stringify(fields)}`);
  log.warn(message, fields);
}

/** A cancelled order: every hold it may have (checkout's and each payment's renewal) released, its refunds settled. */
export async function settleCancellation(deps: OrderDeps, orderId: string, options: SettleOptions): Promise<void> {
  const [lines, paymentRows, pending] = await Promise.all([
    linesOf(deps.db, orderId),
    deps.db.select({ id: payments.id }).from(payments).where(eq(payments.orderId, orderId)),
    deps.db
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.orderId, orderId), eq(refunds.status, "pending"))),
  ]);
  const holds: Hold[] = [];
  for (const line of lines) {
    holds.push({ productId: line.productId, reservationId: await holdId(orderId, line.productId) });
    for (const p of paymentRows) {
      holds.push({ productId: line.productId, reservationId: await holdId(orderId, line.productId, p.id) });
    }
  }
  if (!(await releaseHolds(deps.objects, holds, "order_cancelled"))) {
    fail(options, "some holds of a cancelled order could not be released", { order_id: orderId });
  }
  for (const refund of pending) await settleRefund(deps, refund.id, options);
}

/** Restocks the lines asked for (ledger reason `restock`, reference the refund) and gives the money back. */
export async function settleRefund(deps: OrderDeps, refundId: string, options: SettleOptions): Promise<void> {
  const { db } = deps;
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId)).limit(1);
  if (!refund) return;
  const [lines, orderLineRows] = await Promise.all([
    db.select().from(refundLines).where(eq(refundLines.refundId, refundId)),
    linesOf(db, refund.orderId),
  ]);
  // Units go back where the line was sold from (its first location when it was split).
  const soldAt = new Map(orderLineRows.map((l) => [l.productId, l.allocations[0]?.location_id ?? null]));
  const restocks = await Promise.allSettled(
    lines
      .filter((l) => l.restock)
      .map(async (l) => {
        const result = await stockObject(deps.objects, l.productId).restock({
          movement_id: await derivedId("mov", refundId, l.productId),
          location_id: soldAt.get(l.productId) ?? null,
          qty: l.qty,
          reference: refundId,
          actor: options.actorId,
        });
        if (!result.ok) throw new Error(`restock refused: ${result.code}`);
      }),
  );
  if (restocks.some((r) => r.status === "rejected")) {
    fail(options, "restocking a refund failed", { refund_id: refundId });
  }
  if (refund.status !== "pending") return;
  await refundMoney(deps, refund, options);
}

async function refundMoney(deps: OrderDeps, refund: typeof refunds.$inferSelect, options: SettleOptions) {
  const { db } = deps;
  const markSettled = (set: Partial<typeof refunds.$inferInsert>) =>
    db
      .update(refunds)
      .set({ ...set, updatedAt: nowIso() })
      .where(and(eq(refunds.id, refund.id), eq(refunds.status, "pending")));
  const [payment] = refund.paymentId
    ? await db.select().from(payments).where(eq(payments.id, refund.paymentId)).limit(1)
    : [];
  if (!payment || refund.amount === 0) {
    await markSettled({ status: "succeeded" });
    return;
  }
  const provider = deps.payments[payment.provider];
  if (!provider) return fail(options, "refund through an unknown provider", { refund_id: refund.id });
  try {
    const result = await provider.refund({
      refundId: refund.id,
      paymentId: payment.id,
      providerRef: payment.providerRef,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
    });
    if (result.status === "succeeded") {
      await markSettled({ status: "succeeded", providerRef: result.providerRef });
    } else {
      // Refused for good: recorded for staff to settle by hand; retrying would not change it.
      await markSettled({ status: "failed", failureMessage: result.message });
      log.warn("refund refused by the payment provider", { refund_id: refund.id, message: result.message });
    }
  } catch (err) {
    fail(options, "refund could not reach the payment provider", { refund_id: refund.id, error: err });
  }
}
