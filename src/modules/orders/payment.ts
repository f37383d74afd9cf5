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
 * (`resumeStalledPayments` in sweeps.ts), which converges on processing or on a
 * cancellation that refunds whatever may have been captured and restocks whatever was
 * committed.
 */

import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch } from "../../db/batch";
import { orderLines, payments } from "../../db/schema";
import { conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { fulfillingLocationIds } from "../locations";
import { type PaymentInput, type PaymentProvider, providerFor, splitPaymentInput } from "../payments";
import { paidRollups } from "../reports";
import { markPurchasesVerified } from "../reviews";
import { getSettings } from "../settings";
import { abandonPayment, declinePayment, lostRace, type PaymentRow } from "./payment-outcomes";
import { commitLine, type Secured, secureLine } from "./payment-stock";
import { getOrderDetail } from "./reads";
import { findOrder, type LineRow, loadOrder, type OrderDeps, type OrderRow } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

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
  const [earlier] = await deps.db.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (earlier) {
    // A retry of a keyed payment whose first run died after its claim: finish that one.
    if (earlier.status === "pending" && order.status === "paying") {
      await completePayment(deps, order, lines, earlier, provider, meta, true);
    } else if (earlier.status !== "succeeded") {
      throw conflict(`The payment made with this Idempotency-Key ${earlier.status}.`, { payment_id: earlier.id });
    }
    return getOrderDetail(deps, orderId, actor);
  }
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
    resumeAttempts: 0,
    resumeError: null,
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
  const [settings, locations] = await Promise.all([getSettings(deps.db), fulfillingLocationIds(deps.db)]);
  const ttlSeconds = settings.reservation_ttl_minutes * 60;
  const secured = await Promise.all(
    lines.map((line) => secureLine(deps, order, line, payment.id, ttlSeconds, locations)),
  );
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
  const { time_zone: timeZone } = await getSettings(deps.db);
  const sold = lines.map((l) => ({ productId: l.productId, qty: l.qty, amount: l.lineTotal }));
  const statements = [
    ...paid.statements,
    ...paidRollups(deps.db, { timeZone, at: now, currency: order.currency }, order.total, sold),
    deps.db
      .update(payments)
      .set({ status: "succeeded", providerRef: capture.providerRef, updatedAt: now })
      .where(eq(payments.id, payment.id)),
  ];
  // A hold renewed during the payment may have come from other locations: the lines say where the units were sold from.
  statements.push(...soldFrom(deps.db, order.id, committed));
  if (order.customerId) {
    statements.push(
      markPurchasesVerified(
        deps.db,
        order.customerId,
        lines.map((l) => l.productId),
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

function soldFrom(db: OrderDeps["db"], orderId: string, committed: Secured[]) {
  return committed.flatMap((s) =>
    s.ok && JSON.stringify(s.allocations) !== JSON.stringify(s.line.allocations)
      ? [
          db
            .update(orderLines)
            .set({ allocations: s.allocations })
            .where(and(eq(orderLines.orderId, orderId), eq(orderLines.productId, s.line.productId))),
        ]
      : [],
  );
}
