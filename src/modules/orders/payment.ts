/*
 * Paying an order, ordered so that a crash at any point loses nothing. The request:
 * 1. Claim: one D1 batch moves the order `pending → paying` (guarded on status and
 *    version, so a racing cancel, expiry or second payment loses) and records the
 *    payment as `pending`, before any money or stock moves.
 * 2. Secure the stock: each line's checkout hold must still be held; one that lapsed
 *    is re-reserved under a hold id derived from the payment. If the stock is gone,
 *    the order is cancelled (`reservation_expired`) and nothing is captured.
 * 3. Capture through the provider, with the payment id as idempotency key. A decline
 *    puts the order back to `pending` with its holds.
 * 4. Hand the captured payment to the order's workflow (an event) and wait for its
 *    `commit-stock` step, which commits the holds (on_hand and reserved go down;
 *    idempotent by hold id) and writes, in one D1 batch, `paying → processing`, the
 *    payment `succeeded`, `order.paid`, the audit row, and the reviews of these
 *    products by this customer becoming verified (`completePayment`).
 * A request that dies after its claim leaves the order in `paying`; the workflow's
 * own wait ends at the hold's expiry and finishes that payment itself (capturing again
 * under the same payment id), converging on processing or on a cancellation that
 * refunds whatever may have been captured and restocks whatever was committed.
 */

import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch, type Statement } from "../../db/batch";
import { orderLines, PAID_STATUSES, payments } from "../../db/schema";
import { AppError, conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { fulfillingLocationIds } from "../locations";
import { type PaymentInput, type PaymentProvider, providerFor, splitPaymentInput } from "../payments";
import { customerPaidRollups, paidRollups } from "../reports";
import { getSettings } from "../settings";
import type { CapturedPayment, CommitOutcome } from "./flow-contract";
import { handOverPayment } from "./flow-handover";
import { shortageError } from "./holds";
import { abandonPayment, declinePayment, lostRace, type PaymentRow } from "./payment-outcomes";
import { commitLine, type Secured, secureLine } from "./payment-stock";
import { findOrder, type LineRow, linesOf, loadOrder, type OrderDeps, type OrderRow } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

const LAPSED = "The order's reserved stock lapsed before payment and is no longer available; the order was cancelled.";

export async function payOrder(
  deps: OrderDeps,
  orderId: string,
  input: PaymentInput,
  actor: Actor | null,
  meta: RequestMeta,
  paymentId: string = newId("pay"),
) {
  const payment = await capturePayment(deps, orderId, input, actor, meta, paymentId);
  throwUnlessPaid(orderId, await handOverPayment(deps.flow, orderId, payment));
}

/** The request's answer to the flow's outcome; no outcome yet (the flow is retrying) answers the order as it stands. */
export function throwUnlessPaid(orderId: string, outcome: CommitOutcome | null): void {
  if (outcome?.result === "cancelled") {
    throw shortageError(LAPSED, outcome.shortage, { order_id: orderId, order_status: "cancelled" });
  }
  if (outcome?.result === "declined") {
    throw conflict(`The payment was declined: ${outcome.message}`, {
      order_id: orderId,
      payment_id: outcome.payment_id,
      decline_code: outcome.code,
    });
  }
}

/**
 * Steps 1 to 3: claims the order and captures the payment, answering the event the
 * order's flow commits. Also the flow's own auto-capture.
 */
export async function capturePayment(
  deps: OrderDeps,
  orderId: string,
  input: PaymentInput,
  actor: Actor | null,
  meta: RequestMeta,
  paymentId: string,
): Promise<CapturedPayment> {
  const { provider: providerName, details } = splitPaymentInput(input);
  const provider = providerFor(deps.payments, providerName, actor);
  const { order, lines } = await loadOrder(deps.db, orderId, actor);
  const [earlier] = await deps.db.select().from(payments).where(eq(payments.id, paymentId)).limit(1);
  if (earlier) {
    // A retry of a keyed payment: one that succeeded is handed over again (harmless), one
    // whose first run died after its claim is finished now.
    if (earlier.status === "succeeded")
      return { kind: "payment", payment_id: earlier.id, provider_ref: earlier.providerRef };
    if (earlier.status === "pending" && order.status === "paying") {
      return captureClaimed(deps, order, lines, earlier, provider, meta);
    }
    throw conflict(`The payment made with this Idempotency-Key ${earlier.status}.`, { payment_id: earlier.id });
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
    createdAt: now,
    updatedAt: now,
  };
  const { time_zone: timeZone } = await getSettings(deps.db);
  const claim = transitionStatements(
    deps.db,
    meta,
    order,
    { to: "paying", reason: "payment_started", auditAction: "order.payment_started" },
    now,
    timeZone,
  );
  try {
    await runBatch(deps.db, [...claim.statements, deps.db.insert(payments).values(payment)]);
  } catch (err) {
    if (isGuardFailure(err)) throw await lostRace(deps, orderId, "paid");
    throw err;
  }
  return captureClaimed(deps, claim.next, lines, payment, provider, meta);
}

async function secureLines(deps: OrderDeps, order: OrderRow, lines: LineRow[], paymentId: string) {
  const [settings, locations] = await Promise.all([getSettings(deps.db), fulfillingLocationIds(deps.db)]);
  const ttlSeconds = settings.reservation_ttl_minutes * 60;
  return Promise.all(lines.map((line) => secureLine(deps, order, line, paymentId, ttlSeconds, locations)));
}

/** Steps 2 and 3 for a claimed payment. */
async function captureClaimed(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  payment: PaymentRow,
  provider: PaymentProvider,
  meta: RequestMeta,
): Promise<CapturedPayment> {
  const secured = await secureLines(deps, order, lines, payment.id);
  if (secured.some((s) => !s.ok)) {
    // A commit only ever follows a capture, so a committed line means money may have moved.
    const mayBeCaptured = secured.some((s) => s.ok && s.committed);
    const shortage = await abandonPayment(deps, order, lines, payment, secured, null, meta, {
      captured: mayBeCaptured,
    });
    throw shortageError(LAPSED, shortage, { order_id: order.id, order_status: "cancelled" });
  }
  const capture = await provider.capture({
    paymentId: payment.id,
    orderId: order.id,
    amount: payment.amount,
    currency: payment.currency,
    details: payment.details,
  });
  if (capture.status === "declined") return declinePayment(deps, order, payment, capture, meta);
  return { kind: "payment", payment_id: payment.id, provider_ref: capture.providerRef };
}

/** Where a payment the commit step meets already stands (another run of it, or a racing action, got there first). */
async function settledOutcome(deps: OrderDeps, orderId: string, paymentId: string): Promise<CommitOutcome> {
  const [order, [payment]] = await Promise.all([
    findOrder(deps.db, orderId),
    deps.db.select().from(payments).where(eq(payments.id, paymentId)).limit(1),
  ]);
  if (order && (PAID_STATUSES as readonly string[]).includes(order.status) && payment?.status === "succeeded") {
    return { payment_id: paymentId, result: "paid" };
  }
  if (payment?.status === "declined") {
    return {
      payment_id: paymentId,
      result: "declined",
      code: payment.failureCode ?? "declined",
      message: payment.failureMessage ?? "declined",
    };
  }
  return { payment_id: paymentId, result: "cancelled", shortage: [] };
}

/**
 * The flow's `commit-stock` step for one payment: step 4, and the capture too when the
 * request that claimed it died before its capture answered (`provider_ref` null). Every
 * part is idempotent by ids derived from the payment, so the step may run any number
 * of times; an outcome already recorded (paid, declined, cancelled) is answered as is.
 */
/**
 * What another module writes in the same batch as a payment's success, given the paying
 * customer and the products bought (e.g. reviews earning their verified-purchase badge);
 * the flow that completes payments hands it in, so orders need not know those modules.
 */
export type AlsoWhenPaid = (db: OrderDeps["db"], sale: { customerId: string; productIds: string[] }) => Statement[];

export async function completePayment(
  deps: OrderDeps,
  orderId: string,
  captured: CapturedPayment,
  meta: RequestMeta,
  alsoWhenPaid: AlsoWhenPaid,
): Promise<CommitOutcome> {
  const [order, [payment]] = await Promise.all([
    findOrder(deps.db, orderId),
    deps.db.select().from(payments).where(eq(payments.id, captured.payment_id)).limit(1),
  ]);
  if (order?.status !== "paying" || payment?.status !== "pending") {
    return settledOutcome(deps, orderId, captured.payment_id);
  }
  const provider = deps.payments[payment.provider];
  if (!provider) throw new Error(`payment provider ${payment.provider} is not configured`);
  try {
    return await commitClaimed(
      deps,
      { order, lines: await linesOf(deps.db, orderId), payment, provider, captured },
      meta,
      alsoWhenPaid,
    );
  } catch (err) {
    // 409s are outcomes written meanwhile (a decline, a lost race): report what stands.
    if (err instanceof AppError && err.status === 409) return settledOutcome(deps, orderId, captured.payment_id);
    throw err;
  }
}

interface Claimed {
  order: OrderRow;
  lines: LineRow[];
  payment: PaymentRow;
  provider: PaymentProvider;
  captured: CapturedPayment;
}

async function commitClaimed(
  deps: OrderDeps,
  { order, lines, payment, provider, captured }: Claimed,
  meta: RequestMeta,
  alsoWhenPaid: AlsoWhenPaid,
): Promise<CommitOutcome> {
  const cancelled = async (outcome: Secured[], providerRef: string | null): Promise<CommitOutcome> => ({
    payment_id: payment.id,
    result: "cancelled",
    // Without the provider's answer the capture may have gone through: refunding what was not captured is a no-op.
    shortage: await abandonPayment(deps, order, lines, payment, outcome, providerRef, meta, { captured: true }),
  });
  const secured = await secureLines(deps, order, lines, payment.id);
  if (secured.some((s) => !s.ok)) return cancelled(secured, captured.provider_ref);

  let providerRef = captured.provider_ref;
  if (providerRef === null) {
    const capture = await provider.capture({
      paymentId: payment.id,
      orderId: order.id,
      amount: payment.amount,
      currency: payment.currency,
      details: payment.details,
    });
    if (capture.status === "declined") await declinePayment(deps, order, payment, capture, meta);
    else providerRef = capture.providerRef;
  }

  const actorId = meta.actor?.id ?? "system";
  const committed = await Promise.all(
    secured.map((s) => (s.ok && !s.committed ? commitLine(deps, s, actorId) : Promise.resolve(s))),
  );
  if (committed.some((s) => !s.ok)) return cancelled(committed, providerRef);

  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(deps.db);
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
    timeZone,
  );
  // Sold from where the committed holds took the units, as `soldFrom` below records them on the lines.
  const sold = committed.flatMap((s) =>
    s.ok
      ? [{ productId: s.line.productId, qty: s.line.qty, amount: s.line.lineTotal, allocations: s.allocations }]
      : [],
  );
  const key = { timeZone, at: now, currency: order.currency };
  const statements = [
    ...paid.statements,
    ...paidRollups(deps.db, key, order.total, sold),
    ...(order.customerId ? customerPaidRollups(deps.db, key, order.customerId, order.total) : []),
    deps.db
      .update(payments)
      .set({ status: "succeeded", providerRef, updatedAt: now })
      .where(eq(payments.id, payment.id)),
  ];
  // A hold renewed during the payment may have come from other locations: the lines say where the units were sold from.
  statements.push(...soldFrom(deps.db, order.id, committed));
  if (order.customerId) {
    statements.push(
      ...alsoWhenPaid(deps.db, { customerId: order.customerId, productIds: lines.map((l) => l.productId) }),
    );
  }
  try {
    await runBatch(deps.db, statements);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    // Another run of the same payment may have finished first; that is success too.
    return settledOutcome(deps, order.id, payment.id);
  }
  return { payment_id: payment.id, result: "paid" };
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
