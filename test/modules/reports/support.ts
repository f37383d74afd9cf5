import { env } from "cloudflare:workers";
import {
  customerFirstPaid,
  dailyCustomerSales,
  dailyFulfilment,
  dailyLocationSales,
  dailyOrderStatus,
  dailyProductSales,
  dailySales,
  orderStatusTotals,
} from "../../../src/db/schema";
import { dayIn } from "../../../src/lib/days";
import * as split from "../../../src/modules/reports/location-split";
import { recomputeLocationSales, recomputeRollups, type Source } from "../../../src/modules/reports/recompute";
import { db } from "../../support/orders";

async function all<T>(query: string): Promise<T[]> {
  return (await env.DB.prepare(query).all<T>()).results;
}

/** The source tables as the backfill reads them. */
export async function readSource(): Promise<Source> {
  return {
    orders: await all(
      "SELECT id, customer_id, status, currency, total, created_at, paid_at, completed_at, cancelled_at FROM orders",
    ),
    lines: (
      await all<Source["lines"][number] & { allocations: string }>(
        "SELECT order_id, product_id, qty, line_total, allocations FROM order_lines",
      )
    ).map((l) => ({ ...l, allocations: JSON.parse(l.allocations) })),
    refunds: await all("SELECT id, order_id, currency, amount, created_at FROM refunds"),
    refundLines: await all("SELECT refund_id, product_id, qty, amount FROM refund_lines"),
  };
}

/** The recomputation over these orders only (and their refunds). */
export async function recomputedFor(timeZone: string, orderIds: string[]) {
  const all = await readSource();
  const mine = new Set(orderIds);
  const refunds = all.refunds.filter((r) => mine.has(r.order_id));
  const refundIds = new Set(refunds.map((r) => r.id));
  const source = {
    orders: all.orders.filter((o) => mine.has(o.id)),
    lines: all.lines.filter((l) => mine.has(l.order_id)),
    refunds,
    refundLines: all.refundLines.filter((l) => refundIds.has(l.refund_id)),
  };
  const dayOf = (iso: string) => dayIn(timeZone, iso);
  return { ...recomputeRollups(source, dayOf), locations: recomputeLocationSales(source, dayOf, split) };
}

type Stored = Awaited<ReturnType<typeof storedRollups>>;

/**
 * What the summed rollups gained between two readings, rows that did not change left
 * out (the first paid days are not sums: compare those of your own customers).
 */
export function rollupDelta(before: Stored, after: Stored): Omit<Stored, "firstPaid"> {
  const diff = <T extends Record<string, string | number>>(rows: T[], old: T[], key: (r: T) => string) => {
    const previous = new Map(old.map((r) => [key(r), r]));
    return rows
      .map((r) => {
        const p = previous.get(key(r));
        return Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? v - Number(p?.[k] ?? 0) : v]),
        ) as T;
      })
      .filter((r) => Object.values(r).some((v) => typeof v === "number" && v !== 0));
  };
  return {
    sales: diff(after.sales, before.sales, (r) => `${r.day}|${r.currency}`),
    products: diff(after.products, before.products, (r) => `${r.day}|${r.product_id}|${r.currency}`),
    locations: diff(after.locations, before.locations, (r) => `${r.day}|${r.location_id}|${r.currency}`),
    statusTotals: diff(after.statusTotals, before.statusTotals, (r) => r.status),
    orderStatus: diff(after.orderStatus, before.orderStatus, (r) => `${r.day}|${r.currency}|${r.status}`),
    fulfilment: diff(after.fulfilment, before.fulfilment, (r) => `${r.day}|${r.currency}`),
    customers: diff(after.customers, before.customers, (r) => `${r.day}|${r.customer_id}|${r.currency}`),
  };
}

const sortedBy = <T>(rows: T[], key: (r: T) => string) => rows.sort((a, b) => key(a).localeCompare(key(b)));

/** The rollup tables in the recomputation's shape and order. */
export async function storedRollups() {
  const sales = await db.select().from(dailySales);
  const products = await db.select().from(dailyProductSales);
  const locations = await db.select().from(dailyLocationSales);
  const [statusTotals, orderStatus, fulfilment, customers, firstPaid] = await db.batch([
    db.select().from(orderStatusTotals),
    db.select().from(dailyOrderStatus),
    db.select().from(dailyFulfilment),
    db.select().from(dailyCustomerSales),
    db.select().from(customerFirstPaid),
  ]);
  return {
    sales: sales
      .map((r) => ({
        day: r.day,
        currency: r.currency,
        orders_created: r.ordersCreated,
        orders_paid: r.ordersPaid,
        orders_cancelled: r.ordersCancelled,
        gross_sales: r.grossSales,
        refunds: r.refunds,
        units_sold: r.unitsSold,
        units_refunded: r.unitsRefunded,
      }))
      .sort((a, b) => `${a.day}|${a.currency}`.localeCompare(`${b.day}|${b.currency}`)),
    products: products
      .map((r) => ({
        day: r.day,
        product_id: r.productId,
        currency: r.currency,
        units_sold: r.unitsSold,
        revenue: r.revenue,
        units_refunded: r.unitsRefunded,
        refund_amount: r.refundAmount,
      }))
      .sort((a, b) => `${a.day}|${a.product_id}|${a.currency}`.localeCompare(`${b.day}|${b.product_id}|${b.currency}`)),
    locations: sortedBy(
      locations.map((r) => ({
        day: r.day,
        location_id: r.locationId,
        currency: r.currency,
        units_sold: r.unitsSold,
        revenue: r.revenue,
        units_refunded: r.unitsRefunded,
        refund_amount: r.refundAmount,
      })),
      (r) => `${r.day}|${r.location_id}|${r.currency}`,
    ),
    statusTotals: sortedBy(statusTotals, (r) => r.status),
    orderStatus: sortedBy(orderStatus, (r) => `${r.day}|${r.currency}|${r.status}`),
    fulfilment: sortedBy(
      fulfilment.map((r) => ({
        day: r.day,
        currency: r.currency,
        orders_fulfilled: r.ordersFulfilled,
        fulfilment_seconds: r.fulfilmentSeconds,
      })),
      (r) => `${r.day}|${r.currency}`,
    ),
    customers: sortedBy(
      customers.map((r) => ({
        day: r.day,
        customer_id: r.customerId,
        currency: r.currency,
        orders_paid: r.ordersPaid,
        gross_sales: r.grossSales,
        refunds: r.refunds,
      })),
      (r) => `${r.day}|${r.customer_id}|${r.currency}`,
    ),
    firstPaid: sortedBy(
      firstPaid.map((r) => ({ customer_id: r.customerId, day: r.day })),
      (r) => r.customer_id,
    ),
  };
}
