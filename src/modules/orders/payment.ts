/*
 * Paying an order, ordered so that a crash at any point loses nothing:
 * 1. Claim: one D1 batch moves the order `pending → paying` (guarded on status and
 *    version, so a racing cancel or second payment loses) and records the payment as
 *    `pending`, before any money or stock moves.
 * 2. Secure the stock: each line's checkout hold must still be held; one that lapsed
 *    is re-reserved under a hold id derived from the payment. If the stock is gone,
 *    the order is cancelled (`reservation_expired`) and nothing is captured.
 * 3. Capture through the provider, with the payment id as idempotency key. A decline
 *    puts the order back to `pending` with its holds.
 * 4. Commit the holds (on_hand and reserved go down; idempotent by hold id).
 * 5. One D1 batch: `paying → processing`, the payment `succeeded`, `order.paid`,
 *    the audit row, and reviews of these products by this customer become verified.
 * Every step after the claim is idempotent, so an order found in `paying` for longer
 * than a request can take is simply run again from step 2 by the every-minute sweep
 * (`resumeStalledPayments`), which converges on processing or on a cancellation that
 * refunds whatever may have been captured and restocks whatever was committed.
 */
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import type { Actor } from "../../context";
import { orders, payments, reviews } from "../../db/schema";
import { AppError, invalidTransition } from "../../lib/errors";
import { derivedId, newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit/service";
import { stockObject } from "../inventory/stock";
import type { PaymentProvider } from "../payments/provider";
import { providerFor } from "../payments/registry";
import { type PaymentInput, splitPaymentInput } from "../payments/schemas";
import { getSettings } from "../settings/service";
import { isGuardFailure, runBatch } from "./batch";
import { holdId, insufficientStock, type LineAvailability, log } from "./holds";
import { getOrderDetail } from "./reads";
import { planFullRefund, refundStatements } from "./refund-plan";
import { settleCancellation } from "./settle";
import { findOrder, type LineRow, linesOf, loadOrder, type OrderDeps, type OrderRow, systemMeta } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

type PaymentRow = typeof payments.$inferSelect;

type Secured =
  | { ok: true; line: LineRow; reservationId: string; committed: boolean }
  | { ok: false; line: LineRow; available: number };

export async function payOrder(
  deps: OrderDeps,
  orderId: string,
  input: PaymentInput,
  actor: Actor | null,
  meta: RequestMeta,
  paymentId: string = newId("pay"),
) {
  const { provider: providerName, details } = splitPaymentInput(input);
  const provider = providerFor(deps.payments, providerName, actor);
  const { order, lines } = await loadOrder(deps.db, orderId, actor);
  assertTransition(order, "paying", "paid");
  const now = nowIso();
  const payment: PaymentRow = {
    id: paymentId,
    orderId,
    provider: providerName,
    details,
    amount: order.total,
    currency: order.currency,
    status: "pending",
    providerRef: null,
    failureCode: null,
    failureMessage: null,
    createdAt: now,
    updatedAt: now,
  };
  const claim = transitionStatements(
    deps.db,
    meta,
    order,
    { to: "paying", reason: "payment_started", auditAction: "order.payment_started" },
    now,
  );
  try {
    await runBatch(deps.db, [...claim.statements, deps.db.insert(payments).values(payment)]);
  } catch (err) {
    if (isGuardFailure(err)) throw await lostRace(deps, orderId, "paid");
    throw err;
  }
  await completePayment(deps, claim.next, lines, payment, provider, meta, false);
  return getOrderDetail(deps, orderId, actor);
}

async function lostRace(deps: OrderDeps, orderId: string, action: string): Promise<AppError> {
  const now = await findOrder(deps.db, orderId);
  return invalidTransition(`The order changed meanwhile (it is now ${now?.status ?? "gone"}); it cannot be ${action}.`);
}

/** Steps 2 to 5 for an order in `paying`; `resumed` when the sweep picks up a payment whose first run died. */
export async function completePayment(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  provider: PaymentProvider,
  meta: RequestMeta,
  resumed: boolean,
): Promise<void> {
  const ttlSeconds = (await getSettings(deps.db)).reservation_ttl_minutes * 60;
  const secured = await Promise.all(lines.map((line) => secureLine(deps, order, line, payment.id, ttlSeconds)));
  if (secured.some((s) => !s.ok)) {
    // A commit only ever follows a capture, so a committed line means money may have moved.
    const mayBeCaptured = resumed || secured.some((s) => s.ok && s.committed);
    return abandonPayment(deps, order, lines, payment, secured, mayBeCaptured ? payment.providerRef : null, meta, {
      captured: mayBeCaptured,
    });
  }

  const capture = await provider.capture({
    paymentId: payment.id,
    orderId: order.id,
    amount: payment.amount,
    currency: payment.currency,
    details: payment.details,
  });
  if (capture.status === "declined") return declinePayment(deps, order, payment, capture, meta);

  const actorId = meta.actor?.id ?? "system";
  const committed = await Promise.all(
    secured.map((s) => (s.ok && !s.committed ? commitLine(deps, s, actorId) : Promise.resolve(s))),
  );
  if (committed.some((s) => !s.ok)) {
    return abandonPayment(deps, order, lines, payment, committed, capture.providerRef, meta, { captured: true });
  }

  const now = nowIso();
  const paid = transitionStatements(
    deps.db,
    meta,
    order,
    {
      to: "processing",
      set: { paidAt: now },
      reason: "paid",
      event: { type: "order.paid", data: { payment_id: payment.id, provider: payment.provider } },
      auditAction: "order.paid",
    },
    now,
  );
  const statements = [
    ...paid.statements,
    deps.db
      .update(payments)
      .set({ status: "succeeded", providerRef: capture.providerRef, updatedAt: now })
      .where(eq(payments.id, payment.id)),
  ];
  if (order.customerId) {
    statements.push(
      deps.db
        .update(reviews)
        .set({ verifiedPurchase: true })
        .where(
          and(
            eq(reviews.authorId, order.customerId),
            eq(reviews.verifiedPurchase, false),
            inArray(
              reviews.productId,
              lines.map((l) => l.productId),
            ),
          ),
        ),
    );
  }
  try {
    await runBatch(deps.db, statements);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    // A resumed run of the same payment may have finished first; that is success too.
    if ((await findOrder(deps.db, order.id))?.status !== "processing") throw await lostRace(deps, order.id, "paid");
  }
}

/** Makes sure the line is held (or already sold by an earlier run of this payment). */
async function secureLine(
  deps: OrderDeps,
  order: OrderRow,
  line: LineRow,
  paymentId: string,
  ttlSeconds: number,
): Promise<Secured> {
  const stub = stockObject(deps.objects, line.productId);
  const original = await holdId(order.id, line.productId);
  const current = await stub.reservation(original);
  if (current?.state === "committed") return { ok: true, line, reservationId: original, committed: true };
  if (current?.state === "held") {
    if (Date.parse(current.expires_at) > Date.now())
      return { ok: true, line, reservationId: original, committed: false };
    // Lapsed but not yet swept: give its units back before asking for them again.
    await stub.release({ product_id: line.productId, reservation_id: original, reason: "lapsed_before_payment" });
  }
  const renewal = await holdId(order.id, line.productId, paymentId);
  const result = await stub.reserve({
    product_id: line.productId,
    reservation_id: renewal,
    qty: line.qty,
    ttl_seconds: ttlSeconds,
    order_id: order.id,
  });
  if (!result.ok) {
    if (result.code === "INSUFFICIENT_STOCK") return { ok: false, line, available: result.available };
    throw new Error(`renewing hold ${renewal} was refused: ${result.code}`);
  }
  const { state, expires_at } = result.reservation;
  if (state === "committed") return { ok: true, line, reservationId: renewal, committed: true };
  if (state === "held" && Date.parse(expires_at) > Date.now()) {
    return { ok: true, line, reservationId: renewal, committed: false };
  }
  return { ok: false, line, available: result.level.available };
}

async function commitLine(deps: OrderDeps, s: Secured & { ok: true }, actorId: string): Promise<Secured> {
  const stub = stockObject(deps.objects, s.line.productId);
  const result = await stub.commit({ product_id: s.line.productId, reservation_id: s.reservationId, actor: actorId });
  if (result.ok) return { ...s, committed: true };
  if (result.code !== "RESERVATION_NOT_HELD" && result.code !== "RESERVATION_NOT_FOUND") {
    throw new Error(`committing hold ${s.reservationId} was refused: ${result.code}`);
  }
  return { ok: false, line: s.line, available: (await stub.snapshot(s.line.productId)).available };
}

/**
 * The stock is gone: the decision (cancel, with a refund of anything that may have
 * been captured, restocking exactly the lines already sold) is written first; the
 * settling runs now and again from the `order.cancelled` event.
 */
async function abandonPayment(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  outcome: Secured[],
  providerRef: string | null,
  meta: RequestMeta,
  money: { captured: boolean },
): Promise<never> {
  const now = nowIso();
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
  );
  const statements = [
    ...cancel.statements,
    ...refund.statements,
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
  const shortage: LineAvailability[] = outcome
    .filter((s) => !s.ok)
    .map((s) => ({
      product_id: s.line.productId,
      requested: s.line.qty,
      available: "available" in s ? s.available : 0,
    }));
  throw insufficientStock(
    "The order's reserved stock lapsed before payment and is no longer available; the order was cancelled.",
    shortage,
    { order_id: order.id, order_status: "cancelled" },
  );
}

async function declinePayment(
  deps: OrderDeps,
  order: OrderRow,
  payment: PaymentRow,
  capture: { code: string; message: string },
  meta: RequestMeta,
): Promise<never> {
  const now = nowIso();
  const back = transitionStatements(
    deps.db,
    meta,
    order,
    { to: "pending", reason: "payment_declined", auditAction: "order.payment_declined" },
    now,
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
  throw new AppError(409, "CONFLICT", `The payment was declined: ${capture.message}`, {
    extra: { order_id: order.id, payment_id: payment.id, decline_code: capture.code },
  });
}

/** Longer than any request takes: a payment claimed this long ago has lost its request. */
const STALLED_AFTER_MS = 2 * 60_000;

/** Cron: runs again every payment whose request died between claim and completion. */
export async function resumeStalledPayments(deps: OrderDeps, now = Date.now(), limit = 20): Promise<number> {
  const cutoff = new Date(now - STALLED_AFTER_MS).toISOString();
  const stalled = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.status, "paying"), lt(orders.updatedAt, cutoff)))
    .orderBy(asc(orders.updatedAt))
    .limit(limit);
  let resumed = 0;
  for (const order of stalled) {
    const [payment] = await deps.db
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, order.id), eq(payments.status, "pending")))
      .orderBy(asc(payments.createdAt))
      .limit(1);
    const provider = payment ? deps.payments[payment.provider] : undefined;
    if (!payment || !provider) {
      log("stalled payment cannot be resumed", { order_id: order.id, payment_id: payment?.id ?? null });
      continue;
    }
    try {
      await completePayment(
        deps,
        order,
        await linesOf(deps.db, order.id),
        payment,
        provider,
        systemMeta("resume"),
        true,
      );
      resumed++;
    } catch (err) {
      // A 409 here is a final outcome (cancelled, declined), already recorded.
      if (!(err instanceof AppError && err.status === 409)) {
        log("resuming a stalled payment failed", { order_id: order.id, error: String(err) });
      }
    }
  }
  return resumed;
}
