import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { olderThanCursor } from "../../db/keyset";
import { type OrderStatus, orderStatusHistory, orders, payments, refundLines, refunds } from "../../db/schema";
import type { Reservation } from "../../durable/inventory/types";
import { toPage } from "../../lib/pagination";
import { stockObject } from "../stock";
import { holdId } from "./holds";
import type { OrderCore } from "./schemas";
import {
  assertVisible,
  isCustomer,
  type LineRow,
  linesQuery,
  type OrderDeps,
  type OrderRow,
  orderQuery,
} from "./store";
import { toLineView, toOrderViewFor } from "./view";

type ReservationView = OrderCore["reservations"][number];

function reservationView(line: LineRow, reservation: Reservation): ReservationView {
  return {
    product_id: line.productId,
    reservation_id: reservation.id,
    state: reservation.state,
    qty: reservation.qty,
    expires_at: reservation.expires_at,
  };
}

/**
 * The hold behind each line, asked of the stock objects: the checkout hold, or the
 * one a payment renewed it with. The live one (held or sold) wins; otherwise the
 * checkout hold's end state is shown.
 */
async function reservationStates(deps: OrderDeps, order: OrderRow, lines: LineRow[], paymentIds: string[]) {
  return Promise.all(
    lines.map(async (line): Promise<ReservationView> => {
      const stub = stockObject(deps.objects, line.productId);
      const ids = [
        await holdId(order.id, line.productId),
        ...(await Promise.all(paymentIds.map((p) => holdId(order.id, line.productId, p)))),
      ];
      const found: Reservation[] = [];
      for (const r of await Promise.all(ids.map((id) => stub.reservation(id)))) if (r && r.qty > 0) found.push(r);
      const shown = found.find((r) => r.state === "held" || r.state === "committed") ?? found[0];
      if (shown) return reservationView(line, shown);
      return {
        product_id: line.productId,
        reservation_id: ids[0] ?? "",
        state: "unknown",
        qty: line.qty,
        expires_at: null,
      };
    }),
  );
}

/**
 * The order's own part of its detail page, as queries for the caller's batch: the order
 * (first, so its visibility is checked before anything else is used), lines, status
 * history, payments, refunds and refund lines. The order detail flow adds the invoices
 * and returns to the same batch, so the page is one round trip.
 */
export function orderDetailQueries(db: Database, id: string) {
  return [
    orderQuery(db, id),
    linesQuery(db, id),
    db.select().from(orderStatusHistory).where(eq(orderStatusHistory.orderId, id)).orderBy(asc(orderStatusHistory.seq)),
    db.select().from(payments).where(eq(payments.orderId, id)).orderBy(asc(payments.createdAt), asc(payments.id)),
    db.select().from(refunds).where(eq(refunds.orderId, id)).orderBy(asc(refunds.createdAt), asc(refunds.id)),
    db
      .select({ line: refundLines })
      .from(refundLines)
      .innerJoin(refunds, eq(refunds.id, refundLines.refundId))
      .where(eq(refunds.orderId, id)),
  ] as const;
}

export type OrderDetailRows = BatchResponse<ReturnType<typeof orderDetailQueries>>;

/** The order's part of its detail from the rows `orderDetailQueries` read, with its holds asked of the stock objects. */
export async function toOrderCore(deps: OrderDeps, actor: Actor | null, rows: OrderDetailRows): Promise<OrderCore> {
  const [orderRows, lines, history, paymentRows, refundRows, refundLineRows] = rows;
  const order = orderRows[0];
  assertVisible(actor, order);
  return {
    ...toOrderViewFor(actor, order),
    lines: lines.map(toLineView),
    status_history: history.map((h) => ({
      from: h.fromStatus,
      to: h.toStatus,
      reason: h.reason,
      actor_type: h.actorType,
      actor_id: h.actorId,
      at: h.createdAt,
    })),
    reservations: await reservationStates(
      deps,
      order,
      lines,
      paymentRows.map((p) => p.id),
    ),
    payments: paymentRows.map((p) => ({
      id: p.id,
      provider: p.provider,
      details: p.details,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      provider_ref: p.providerRef,
      failure_code: p.failureCode,
      failure_message: p.failureMessage,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })),
    refunds: refundRows.map((r) => ({
      id: r.id,
      reason: r.reason,
      subtotal: r.subtotal,
      tax: r.tax,
      restocking_fee: r.restockingFee,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      provider_ref: r.providerRef,
      lines: refundLineRows
        .filter(({ line }) => line.refundId === r.id)
        .map(({ line }) => ({ product_id: line.productId, qty: line.qty, restock: line.restock, amount: line.amount })),
      created_at: r.createdAt,
    })),
  };
}

export interface OrderListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: OrderStatus | undefined;
  customer_id?: string | undefined;
  product_id?: string | undefined;
  created_from?: string | undefined;
  created_to?: string | undefined;
}

/** Newest first by (created_at, id). Customers are held to their own orders whatever they ask for. */
export async function listOrders(db: Database, actor: Actor, query: OrderListQuery) {
  const where: SQL[] = [];
  const customerId = isCustomer(actor) ? actor.id : query.customer_id;
  if (customerId !== undefined) where.push(eq(orders.customerId, customerId));
  if (query.status) where.push(eq(orders.status, query.status));
  if (query.created_from) where.push(gte(orders.createdAt, new Date(query.created_from).toISOString()));
  if (query.created_to) where.push(lt(orders.createdAt, new Date(query.created_to).toISOString()));
  if (query.product_id) {
    where.push(
      sql`EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = ${orders.id} AND ol.product_id = ${query.product_id})`,
    );
  }
  if (query.cursor) where.push(olderThanCursor(orders.createdAt, orders.id, query.cursor));
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(query.limit + 1);
  return toPage(
    rows,
    query.limit,
    (r) => [r.createdAt, r.id],
    (r) => toOrderViewFor(actor, r),
  );
}
