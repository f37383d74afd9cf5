/*
 * Checkout, the saga: (1) hold every line on its stock object, in parallel, with hold
 * ids derived from the new order id, at the locations that fulfil orders (by priority,
 * one location per line when one has enough; the lines record where); (2) if any line is
 * refused, release them all and answer 409 with per-line availability, leaving no
 * order behind; (3) write the order, its lines, its history, the `order.created`
 * event and the audit row in one D1 batch; (4) if that batch fails, release the holds.
 * A crash between (1) and (4) leaves holds without an order: their TTL frees them.
 * A keyed checkout's answer is stored in that batch too (`answer`), so it commits with
 * the order and needs no round trip after.
 * (5) Right after the commit the order's workflow instance is started (the order id is
 * its instance id); if that fails, the minute sweep starts it.
 * A keyed request's order id comes from its Idempotency-Key, so a retry after a crash
 * re-reserves the same holds (the objects know their ids, so that only replays) and, if
 * the first run had committed, its batch fails on the taken id and it answers with
 * that order, at no cost to a first run.
 * A customer's own checkout is held to the store's limits (limits.ts): checked before
 * (1), and the open-orders limit again by the guard that opens the batch in (3).
 */
import type { Actor } from "../../context";
import { guard, isGuardFailure, runBatch, type Statement } from "../../db/batch";
import { insertRows } from "../../db/lists";
import { type CaptureMode, orderLines, orderStatusHistory, orders } from "../../db/schema";
import { forbidden } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isoInSeconds } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { orderingCustomer } from "../customers";
import { eventInsert } from "../events";
import { fulfillingLocationIds } from "../locations";
import { markProductsOrdered } from "../products";
import { salesRollup, statusRollups } from "../reports";
import { getSettings } from "../settings";
import { startOrderFlow } from "./flow-handover";
import { holdId, releaseHolds, reserveLines, shortageError } from "./holds";
import {
  assertWithinLimits,
  checkoutLimits,
  countOpenOrders,
  openOrdersBelowLimit,
  openOrdersLimitReached,
} from "./limits";
import { priceLines } from "./lines";
import { orderTotals } from "./money";
import type { CheckoutInput, OrderCore } from "./schemas";
import { findOrder, isCustomer, type LineRow, type OrderDeps, type OrderRow } from "./store";
import { orderEventData, toLineView, toOrderView } from "./view";

export interface PlaceOrderOptions {
  source: "checkout" | "direct_sale";
  /** Direct sales: `<actor> <Idempotency-Key>`; unique, so a concurrent twin cannot create a second order. */
  saleKey?: string;
  captureMode?: CaptureMode;
  /** The order id a keyed request derived (see `keyedId`); a fresh one otherwise. */
  orderId?: string;
  /** Statements storing the request's answer for the new order, committed in the order's batch. */
  answer?: (order: OrderCore) => Statement[];
}

/**
 * A checkout's answer: the new order as written (no read needed), or, for a keyed retry
 * whose first run had already committed, the id of that order to read.
 */
export type PlacedOrder = { kind: "created"; order: OrderCore } | { kind: "existing"; orderId: string };

export async function placeOrder(
  deps: OrderDeps,
  actor: Actor,
  input: CheckoutInput,
  meta: RequestMeta,
  options: PlaceOrderOptions = { source: "checkout" },
): Promise<PlacedOrder> {
  const { db } = deps;
  if (input.capture !== undefined && isCustomer(actor)) {
    throw forbidden("Customers cannot choose how their order's payment is captured.");
  }
  // Who may order for whom is settled before the lines are looked at, so the answer does not depend on timing.
  const customerId = await orderingCustomer(db, actor, input.customer_id, options.source === "checkout");
  const orderId = options.orderId ?? newId("ord");
  // Only a customer's own checkout is limited (see limits.ts); staff orders are not.
  const limitedCustomer = isCustomer(actor) ? customerId : null;
  const [settings, priced, locations, openOrders] = await Promise.all([
    getSettings(db),
    priceLines(db, input.lines),
    fulfillingLocationIds(db),
    limitedCustomer ? countOpenOrders(db, limitedCustomer, orderId) : 0,
  ]);
  const limits = limitedCustomer ? checkoutLimits(settings, limitedCustomer) : null;
  if (limits) assertWithinLimits(limits, priced, openOrders);
  const totals = orderTotals(
    priced.map((l) => l.lineTotal),
    settings.tax_rate_bps,
  );
  const ttlSeconds = settings.reservation_ttl_minutes * 60;
  const now = Date.now();
  const createdAt = new Date(now).toISOString();

  const outcome = await reserveLines(deps.objects, orderId, priced, ttlSeconds, locations);
  if ("shortage" in outcome) {
    throw shortageError("Not enough stock for some lines; nothing was reserved.", outcome.shortage);
  }

  const order: OrderRow = {
    id: orderId,
    customerId,
    status: "pending",
    source: options.source,
    saleKey: options.saleKey ?? null,
    currency: settings.currency,
    subtotal: totals.subtotal,
    taxRateBps: settings.tax_rate_bps,
    tax: totals.tax,
    total: totals.total,
    refundedSubtotal: 0,
    refundedTax: 0,
    refundedTotal: 0,
    captureMode: input.capture ?? options.captureMode ?? (settings.order_auto_capture ? "automatic" : "manual"),
    customerNote: input.customer_note ?? null,
    staffNote: null,
    metadata: {},
    shippingAddress: input.shipping_address ?? null,
    billingAddress: input.billing_address ?? null,
    expiresAt: isoInSeconds(ttlSeconds, now),
    paidAt: null,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    refundedAt: null,
    flowStartedAt: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  const heldAt = new Map(outcome.held.map((r) => [r.product_id, r.allocations]));
  const lines: LineRow[] = priced.map((l) => ({
    orderId,
    ...l,
    refundedQty: 0,
    allocations: heldAt.get(l.productId) ?? [],
    fulfilled: [],
  }));

  const created: OrderCore = {
    ...toOrderView(order),
    lines: lines.map(toLineView),
    status_history: [
      {
        from: null,
        to: "pending",
        reason: "created",
        actor_type: meta.actor?.kind ?? "system",
        actor_id: meta.actor?.id ?? null,
        at: createdAt,
      },
    ],
    reservations: outcome.held.map((r) => ({
      product_id: r.product_id,
      reservation_id: r.id,
      state: r.state,
      qty: r.qty,
      expires_at: r.expires_at,
    })),
    payments: [],
    refunds: [],
  };
  try {
    await runBatch(db, [
      ...(limits ? [guard(db, openOrdersBelowLimit(db, limits, orderId))] : []),
      ...orderStatements(deps, order, lines, meta, settings.time_zone),
      ...(options.answer?.(created) ?? []),
    ]);
  } catch (err) {
    // A keyed retry whose first run committed: its order id is taken (and holds these very
    // holds, which reserving again only replayed), so answer with that order.
    if (options.orderId && (await findOrder(db, orderId))) return { kind: "existing", orderId };
    const refusal = limits && isGuardFailure(err) ? openOrdersLimitReached(limits) : err;
    await releaseHolds(
      deps.objects,
      await Promise.all(
        lines.map(async (l) => ({ productId: l.productId, reservationId: await holdId(orderId, l.productId) })),
      ),
      "checkout_failed",
    );
    throw refusal;
  }
  await startOrderFlow(deps.flow, orderId);

  return { kind: "created", order: created };
}

function orderStatements(
  deps: OrderDeps,
  order: OrderRow,
  lines: LineRow[],
  meta: RequestMeta,
  timeZone: string,
): Statement[] {
  const { db } = deps;
  return [
    salesRollup(db, { timeZone, at: order.createdAt, currency: order.currency }, { ordersCreated: 1 }),
    ...statusRollups(db, timeZone, order, null, order.status),
    db.insert(orders).values(order),
    ...insertRows(db, orderLines, lines),
    db.insert(orderStatusHistory).values({
      orderId: order.id,
      fromStatus: null,
      toStatus: "pending",
      reason: "created",
      actorType: meta.actor?.kind ?? "system",
      actorId: meta.actor?.id ?? null,
      createdAt: order.createdAt,
    }),
    markProductsOrdered(
      db,
      lines.map((l) => l.productId),
      order.createdAt,
    ),
    eventInsert(db, {
      type: "order.created",
      resourceType: "order",
      resourceId: order.id,
      data: orderEventData(order, { lines: lines.length, source: order.source, capture_mode: order.captureMode }),
    }).statement,
    auditInsert(db, meta, {
      action: "order.created",
      entityType: "order",
      entityId: order.id,
      after: { status: order.status, total: order.total, currency: order.currency, lines: lines.length },
    }),
  ];
}
