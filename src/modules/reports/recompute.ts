/*
 * Rollups rebuilt from the source tables, the way the backfill does it and the way the
 * tests check the incremental rollups against. No imports but of types (the backfill
 * script loads this file straight into Node); the day and split functions are passed in.
 */

import type { refundedAt, soldAt } from "./location-split";

export interface SourceOrder {
  id: string;
  customer_id: string | null;
  status: string;
  currency: string;
  total: number;
  created_at: string;
  paid_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
}

export interface SourceLine {
  order_id: string;
  product_id: string;
  qty: number;
  line_total: number;
  /** Where the units are held, or were sold from once paid (the column, parsed). */
  allocations: { location_id: string; qty: number }[];
}

export interface SourceRefund {
  id: string;
  order_id: string;
  currency: string;
  amount: number;
  created_at: string;
}

export interface SourceRefundLine {
  refund_id: string;
  product_id: string;
  qty: number;
  amount: number;
}

export interface SalesRow {
  day: string;
  currency: string;
  orders_created: number;
  orders_paid: number;
  orders_cancelled: number;
  gross_sales: number;
  refunds: number;
  units_sold: number;
  units_refunded: number;
}

export interface ProductRow {
  day: string;
  product_id: string;
  currency: string;
  units_sold: number;
  revenue: number;
  units_refunded: number;
  refund_amount: number;
}

export interface LocationSalesRow {
  day: string;
  location_id: string;
  currency: string;
  units_sold: number;
  revenue: number;
  units_refunded: number;
  refund_amount: number;
}

export interface StatusTotalRow {
  status: string;
  orders: number;
}

export interface OrderStatusRow {
  day: string;
  currency: string;
  status: string;
  orders: number;
  total: number;
}

export interface FulfilmentRow {
  day: string;
  currency: string;
  orders_fulfilled: number;
  fulfilment_seconds: number;
}

export interface CustomerRow {
  day: string;
  customer_id: string;
  currency: string;
  orders_paid: number;
  gross_sales: number;
  refunds: number;
}

export interface FirstPaidRow {
  customer_id: string;
  day: string;
}

/** Whole seconds from payment to fulfilment, as the fulfilment rollup adds them. */
export function fulfilmentSeconds(paidAt: string, completedAt: string): number {
  return Math.max(0, Math.round((Date.parse(completedAt) - Date.parse(paidAt)) / 1000));
}

export interface Source {
  orders: SourceOrder[];
  lines: SourceLine[];
  refunds: SourceRefund[];
  refundLines: SourceRefundLine[];
}

const emptySales = (day: string, currency: string): SalesRow => ({
  day,
  currency,
  orders_created: 0,
  orders_paid: 0,
  orders_cancelled: 0,
  gross_sales: 0,
  refunds: 0,
  units_sold: 0,
  units_refunded: 0,
});

const emptyProduct = (day: string, product_id: string, currency: string): ProductRow => ({
  day,
  product_id,
  currency,
  units_sold: 0,
  revenue: 0,
  units_refunded: 0,
  refund_amount: 0,
});

function slot<T>(map: Map<string, T>, key: string, make: () => T): T {
  let row = map.get(key);
  if (!row) {
    row = make();
    map.set(key, row);
  }
  return row;
}

/**
 * What the rollups must hold: an order counts as created on its `created_at` day, paid
 * (its total, its lines' units and revenue) on its `paid_at` day, cancelled on its
 * `cancelled_at` day; a refund counts on its `created_at` day, whatever its settlement.
 * An order counts in its current status (in the totals, and on its `created_at` day); a
 * fulfilled order (its `completed_at`) on that day with the seconds since `paid_at`; a
 * customer's paid orders and refunds on their days, and the customer's first paid day.
 */
export function recomputeRollups(source: Source, dayOf: (iso: string) => string) {
  const sales = new Map<string, SalesRow>();
  const products = new Map<string, ProductRow>();
  const salesAt = (iso: string, currency: string) => {
    const day = dayOf(iso);
    return slot(sales, `${day}|${currency}`, () => emptySales(day, currency));
  };
  const productAt = (iso: string, productId: string, currency: string) => {
    const day = dayOf(iso);
    return slot(products, `${day}|${productId}|${currency}`, () => emptyProduct(day, productId, currency));
  };
  const statusTotals = new Map<string, StatusTotalRow>();
  const orderStatus = new Map<string, OrderStatusRow>();
  const fulfilment = new Map<string, FulfilmentRow>();
  const customers = new Map<string, CustomerRow>();
  const firstPaid = new Map<string, FirstPaidRow>();
  const customerAt = (iso: string, customerId: string, currency: string) => {
    const day = dayOf(iso);
    return slot(customers, `${day}|${customerId}|${currency}`, () => ({
      day,
      customer_id: customerId,
      currency,
      orders_paid: 0,
      gross_sales: 0,
      refunds: 0,
    }));
  };
  const orderById = new Map(source.orders.map((o) => [o.id, o]));
  for (const o of source.orders) {
    slot(statusTotals, o.status, () => ({ status: o.status, orders: 0 })).orders += 1;
    const created = dayOf(o.created_at);
    const cohort = slot(orderStatus, `${created}|${o.currency}|${o.status}`, () => ({
      day: created,
      currency: o.currency,
      status: o.status,
      orders: 0,
      total: 0,
    }));
    cohort.orders += 1;
    cohort.total += o.total;
    if (o.paid_at && o.completed_at) {
      const day = dayOf(o.completed_at);
      const row = slot(fulfilment, `${day}|${o.currency}`, () => ({
        day,
        currency: o.currency,
        orders_fulfilled: 0,
        fulfilment_seconds: 0,
      }));
      row.orders_fulfilled += 1;
      row.fulfilment_seconds += fulfilmentSeconds(o.paid_at, o.completed_at);
    }
    if (o.paid_at && o.customer_id) {
      const row = customerAt(o.paid_at, o.customer_id, o.currency);
      row.orders_paid += 1;
      row.gross_sales += o.total;
      const day = dayOf(o.paid_at);
      const first = firstPaid.get(o.customer_id);
      if (!first || day < first.day) firstPaid.set(o.customer_id, { customer_id: o.customer_id, day });
    }
    salesAt(o.created_at, o.currency).orders_created += 1;
    if (o.cancelled_at) salesAt(o.cancelled_at, o.currency).orders_cancelled += 1;
    if (o.paid_at) {
      const row = salesAt(o.paid_at, o.currency);
      row.orders_paid += 1;
      row.gross_sales += o.total;
    }
  }
  for (const l of source.lines) {
    const order = orderById.get(l.order_id);
    if (!order?.paid_at) continue;
    salesAt(order.paid_at, order.currency).units_sold += l.qty;
    const row = productAt(order.paid_at, l.product_id, order.currency);
    row.units_sold += l.qty;
    row.revenue += l.line_total;
  }
  const refundById = new Map(source.refunds.map((r) => [r.id, r]));
  for (const r of source.refunds) {
    salesAt(r.created_at, r.currency).refunds += r.amount;
    const customerId = orderById.get(r.order_id)?.customer_id;
    if (customerId) customerAt(r.created_at, customerId, r.currency).refunds += r.amount;
  }
  for (const l of source.refundLines) {
    const refund = refundById.get(l.refund_id);
    if (!refund) continue;
    salesAt(refund.created_at, refund.currency).units_refunded += l.qty;
    const row = productAt(refund.created_at, l.product_id, refund.currency);
    row.units_refunded += l.qty;
    row.refund_amount += l.amount;
  }
  const byKey = <T extends { day: string }>(rows: Iterable<T>, key: (r: T) => string) =>
    [...rows].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    sales: byKey(sales.values(), (r) => `${r.day}|${r.currency}`),
    products: byKey(products.values(), (r) => `${r.day}|${r.product_id}|${r.currency}`),
    statusTotals: [...statusTotals.values()].sort((a, b) => a.status.localeCompare(b.status)),
    orderStatus: byKey(orderStatus.values(), (r) => `${r.day}|${r.currency}|${r.status}`),
    fulfilment: byKey(fulfilment.values(), (r) => `${r.day}|${r.currency}`),
    customers: byKey(customers.values(), (r) => `${r.day}|${r.customer_id}|${r.currency}`),
    firstPaid: [...firstPaid.values()].sort((a, b) => a.customer_id.localeCompare(b.customer_id)),
  };
}

/** The functions of location-split.ts, which the rollups split lines with too. */
export interface LocationSplit {
  soldAt: typeof soldAt;
  refundedAt: typeof refundedAt;
}

/**
 * The location rows: a paid order's lines on its `paid_at` day, split over their
 * allocations; each refund line on its refund's `created_at` day, split after the
 * units of the line that earlier refunds (by `created_at`, then id) took back.
 */
export function recomputeLocationSales(
  source: Source,
  dayOf: (iso: string) => string,
  split: LocationSplit,
): LocationSalesRow[] {
  const rows = new Map<string, LocationSalesRow>();
  const rowAt = (iso: string, locationId: string, currency: string) => {
    const day = dayOf(iso);
    return slot(rows, `${day}|${locationId}|${currency}`, () => ({
      day,
      location_id: locationId,
      currency,
      units_sold: 0,
      revenue: 0,
      units_refunded: 0,
      refund_amount: 0,
    }));
  };
  const orderById = new Map(source.orders.map((o) => [o.id, o]));
  const lineOf = new Map(source.lines.map((l) => [`${l.order_id}|${l.product_id}`, l]));
  for (const l of source.lines) {
    const order = orderById.get(l.order_id);
    if (!order?.paid_at) continue;
    for (const p of split.soldAt(l.allocations, l.line_total)) {
      const row = rowAt(order.paid_at, p.location_id, order.currency);
      row.units_sold += p.units;
      row.revenue += p.amount;
    }
  }
  const refundById = new Map(source.refunds.map((r) => [r.id, r]));
  const refundLines = source.refundLines.flatMap((l) => {
    const refund = refundById.get(l.refund_id);
    return refund ? [{ ...l, refund }] : [];
  });
  refundLines.sort(
    (a, b) => a.refund.created_at.localeCompare(b.refund.created_at) || a.refund.id.localeCompare(b.refund.id),
  );
  const refundedBefore = new Map<string, number>();
  for (const l of refundLines) {
    const key = `${l.refund.order_id}|${l.product_id}`;
    const before = refundedBefore.get(key) ?? 0;
    refundedBefore.set(key, before + l.qty);
    for (const p of split.refundedAt(lineOf.get(key)?.allocations ?? [], before, l.qty, l.amount)) {
      const row = rowAt(l.refund.created_at, p.location_id, l.refund.currency);
      row.units_refunded += p.units;
      row.refund_amount += p.amount;
    }
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}

export interface SourceMovement {
  product_id: string;
  location_id: string;
  reason: string;
  delta_on_hand: number;
  created_at: string;
}

export interface MovementRow {
  day: string;
  product_id: string;
  location_id: string;
  reason: string;
  movements: number;
  units_in: number;
  units_out: number;
}

/** Every movement on its `created_at` day: counted, its on-hand delta split into units in and out. */
export function recomputeMovementRollups(movements: SourceMovement[], dayOf: (iso: string) => string): MovementRow[] {
  const rows = new Map<string, MovementRow>();
  for (const m of movements) {
    const day = dayOf(m.created_at);
    const row = slot(rows, `${day}|${m.product_id}|${m.location_id}|${m.reason}`, () => ({
      day,
      product_id: m.product_id,
      location_id: m.location_id,
      reason: m.reason,
      movements: 0,
      units_in: 0,
      units_out: 0,
    }));
    row.movements += 1;
    row.units_in += Math.max(m.delta_on_hand, 0);
    row.units_out += Math.max(-m.delta_on_hand, 0);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}

export interface SourceDispatch {
  id: string;
  company_id: string;
  project_id: string | null;
  status: string;
  dispatched_at: string | null;
}

export interface SourceDispatchReturn {
  dispatch_id: string;
  created_at: string;
  stock: { qty: number; condition: string }[];
  samples: { outcome: string }[];
}

export interface DispatchSource {
  dispatches: SourceDispatch[];
  lines: { dispatch_id: string; qty: number }[];
  samples: { dispatch_id: string }[];
  returns: SourceDispatchReturn[];
}

export interface DispatchRow {
  day: string;
  company_id: string;
  project_id: string;
  dispatches: number;
  lines: number;
  units_dispatched: number;
  samples_dispatched: number;
  units_returned_good: number;
  units_returned_damaged: number;
  units_consumed: number;
  units_lost: number;
  samples_returned: number;
  samples_consumed: number;
  completed: number;
  turnaround_seconds: number;
}

const RETURN_COLUMNS = {
  good: "units_returned_good",
  damaged: "units_returned_damaged",
  consumed: "units_consumed",
  lost: "units_lost",
} as const;

/**
 * A dispatch counts (with its lines, units and samples) on its `dispatched_at` day; each
 * return on its `created_at` day. A dispatch returned or closed completed with its last
 * return, which adds the seconds since it was sent to the turnaround.
 */
export function recomputeDispatchRollups(source: DispatchSource, dayOf: (iso: string) => string): DispatchRow[] {
  const rows = new Map<string, DispatchRow>();
  const rowAt = (iso: string, d: SourceDispatch) => {
    const day = dayOf(iso);
    const project = d.project_id ?? "";
    return slot(rows, `${day}|${d.company_id}|${project}`, () => ({
      day,
      company_id: d.company_id,
      project_id: project,
      dispatches: 0,
      lines: 0,
      units_dispatched: 0,
      samples_dispatched: 0,
      units_returned_good: 0,
      units_returned_damaged: 0,
      units_consumed: 0,
      units_lost: 0,
      samples_returned: 0,
      samples_consumed: 0,
      completed: 0,
      turnaround_seconds: 0,
    }));
  };
  const sent = new Map(source.dispatches.filter((d) => d.dispatched_at).map((d) => [d.id, d]));
  for (const d of sent.values()) rowAt(d.dispatched_at as string, d).dispatches += 1;
  for (const l of source.lines) {
    const d = sent.get(l.dispatch_id);
    if (!d) continue;
    const row = rowAt(d.dispatched_at as string, d);
    row.lines += 1;
    row.units_dispatched += l.qty;
  }
  for (const s of source.samples) {
    const d = sent.get(s.dispatch_id);
    if (d) rowAt(d.dispatched_at as string, d).samples_dispatched += 1;
  }
  const lastReturn = new Map<string, string>();
  for (const r of source.returns) {
    const d = sent.get(r.dispatch_id);
    if (!d) continue;
    const row = rowAt(r.created_at, d);
    for (const s of r.stock) row[RETURN_COLUMNS[s.condition as keyof typeof RETURN_COLUMNS]] += s.qty;
    for (const s of r.samples) {
      if (s.outcome === "returned") row.samples_returned += 1;
      else row.samples_consumed += 1;
    }
    if ((lastReturn.get(d.id) ?? "") < r.created_at) lastReturn.set(d.id, r.created_at);
  }
  for (const [id, at] of lastReturn) {
    const d = sent.get(id) as SourceDispatch;
    if (d.status !== "returned" && d.status !== "closed") continue;
    const row = rowAt(at, d);
    row.completed += 1;
    row.turnaround_seconds += Math.round((Date.parse(at) - Date.parse(d.dispatched_at as string)) / 1000);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}
