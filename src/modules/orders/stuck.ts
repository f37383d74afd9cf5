/*
 * Orders stuck in `paying`, for staff. The order's workflow finishes a payment whose
 * request died (at the latest when the hold's wait ends) and retries a failing commit
 * with backoff; an instance that used up its retries is `errored` and stays so. These
 * are the orders to look at, with what the Workflows API says about their instance;
 * `resume-payment` restarts an ended instance (its steps are idempotent) or hands a
 * waiting one the pending payment now.
 */
import { and, asc, eq, lt, type SQL } from "drizzle-orm";
import { orders, payments } from "../../db/schema";
import { AppError, invalidTransition, notFound } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import { PAYMENT_EVENT, type PaymentEvent } from "./flow-contract";
import { awaitCommit, startOrderFlow } from "./flow-handover";
import { throwUnlessPaid } from "./payment";
import type { OrderDeps } from "./store";

/** Longer than any request takes: a payment claimed this long ago has lost its request. */
const STALLED_AFTER_MS = 2 * 60_000;

/** Instance states in which nothing will move the order on until someone acts. */
const ENDED = new Set<InstanceStatus["status"]>(["errored", "terminated", "complete"]);

/** The pending payment of each order in `paying` claimed before `before`, oldest first. */
function payingOrders(deps: OrderDeps, before: number, also?: SQL) {
  return deps.db
    .select({ order: orders, payment: payments })
    .from(orders)
    .innerJoin(payments, and(eq(payments.orderId, orders.id), eq(payments.status, "pending")))
    .where(and(eq(orders.status, "paying"), lt(orders.updatedAt, new Date(before).toISOString()), also))
    .orderBy(asc(orders.updatedAt), asc(orders.id));
}

async function flowStatus(deps: OrderDeps, orderId: string): Promise<InstanceStatus | null> {
  try {
    return await (await deps.flow.get(orderId)).status();
  } catch {
    return null;
  }
}

/** Orders stuck in `paying`, with their instance's status and error. */
export async function listStuckOrders(deps: OrderDeps, now = Date.now()) {
  const rows = await payingOrders(deps, now - STALLED_AFTER_MS).limit(200);
  const statuses = await Promise.all(rows.map(({ order }) => flowStatus(deps, order.id)));
  return {
    data: rows.map(({ order, payment }, i) => {
      const flow = statuses[i] ?? null;
      return {
        order_id: order.id,
        customer_id: order.customerId,
        total: order.total,
        currency: order.currency,
        paying_since: order.updatedAt,
        payment_id: payment.id,
        provider: payment.provider,
        flow_status: flow?.status ?? ("not_started" as const),
        flow_error: flow?.error?.message ?? null,
        left_to_staff: flow !== null && ENDED.has(flow.status),
      };
    }),
    checked_at: nowIso(),
  };
}

/**
 * Staff resolve a stuck order: its flow finishes the pending payment now (completing it,
 * or cancelling with a refund); a flow that still cannot is answered 503.
 */
export async function resumeStuckOrder(deps: OrderDeps, orderId: string): Promise<void> {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId)).limit(1);
  if (!order) throw notFound("Order");
  // Staff may act on a payment younger than the list's threshold: they know its request died.
  const [row] = await payingOrders(deps, Date.now() + STALLED_AFTER_MS, eq(orders.id, orderId)).limit(1);
  if (!row) throw invalidTransition(`The order is ${order.status}, not stuck in paying.`);
  const status = await flowStatus(deps, orderId);
  if (status === null) {
    await startOrderFlow(deps.flow, orderId);
  } else if (ENDED.has(status.status)) {
    // A fresh run finds the order paying and goes straight to committing its payment.
    await (await deps.flow.get(orderId)).restart();
  } else {
    const payload: PaymentEvent = { kind: "payment", payment_id: row.payment.id, provider_ref: null };
    await (await deps.flow.get(orderId)).sendEvent({ type: PAYMENT_EVENT, payload });
  }
  const outcome = await awaitCommit(deps.flow, orderId, row.payment.id);
  if (outcome === null) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "The payment could not be completed yet; see flow_error in /v1/orders/stuck.",
      {
        extra: { order_id: orderId, payment_id: row.payment.id },
      },
    );
  }
  throwUnlessPaid(orderId, outcome);
}
