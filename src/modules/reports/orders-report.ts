import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { ORDER_STATUSES, type OrderStatus } from "../../db/schema";
import { getSettings } from "../settings";
import { type Interval, periodOf, reportRange } from "./range";

export interface OrdersQuery {
  from: string;
  to: string;
  interval: Interval;
}

interface Counted {
  orders: number;
  value: number;
}

interface OrdersFigures extends Counted {
  by_status: Record<OrderStatus, Counted>;
  orders_fulfilled: number;
  average_fulfilment_seconds: number | null;
}

interface StatusRow {
  period: string;
  status: OrderStatus;
  orders: number;
  value: number;
}

interface FulfilmentRow {
  period: string;
  orders_fulfilled: number;
  fulfilment_seconds: number;
}

function empty(): OrdersFigures & { seconds: number } {
  const by_status = Object.fromEntries(ORDER_STATUSES.map((s) => [s, { orders: 0, value: 0 }])) as Record<
    OrderStatus,
    Counted
  >;
  return { orders: 0, value: 0, by_status, orders_fulfilled: 0, average_fulfilment_seconds: null, seconds: 0 };
}

function add(into: ReturnType<typeof empty>, status: StatusRow | null, fulfilment: FulfilmentRow | null) {
  if (status) {
    into.orders += status.orders;
    into.value += status.value;
    into.by_status[status.status].orders += status.orders;
    into.by_status[status.status].value += status.value;
  }
  if (fulfilment) {
    into.orders_fulfilled += fulfilment.orders_fulfilled;
    into.seconds += fulfilment.fulfilment_seconds;
  }
}

function finish({ seconds, ...figures }: ReturnType<typeof empty>): OrdersFigures {
  const fulfilled = figures.orders_fulfilled;
  return { ...figures, average_fulfilment_seconds: fulfilled > 0 ? Math.round(seconds / fulfilled) : null };
}

/**
 * Orders by period from the rollups, in the store's currency: the orders PLACED in each
 * period, split by the status they are in now (value: their totals, tax included), and
 * the orders FULFILLED (completed) in each period with the average time from payment.
 */
export async function ordersReport(db: Database, query: OrdersQuery) {
  const { from, end } = reportRange(query);
  const { currency, time_zone } = await getSettings(db);
  const period = periodOf(query.interval);
  const [statuses, fulfilments] = await Promise.all([
    db.all<StatusRow>(sql`
      SELECT ${period} AS period, status, sum(orders) AS orders, sum(total) AS value
      FROM daily_order_status WHERE currency = ${currency} AND day >= ${from} AND day < ${end}
      GROUP BY 1, 2 HAVING sum(orders) <> 0 ORDER BY 1, 2`),
    db.all<FulfilmentRow>(sql`
      SELECT ${period} AS period, sum(orders_fulfilled) AS orders_fulfilled, sum(fulfilment_seconds) AS fulfilment_seconds
      FROM daily_fulfilment WHERE currency = ${currency} AND day >= ${from} AND day < ${end}
      GROUP BY 1 ORDER BY 1`),
  ]);
  const periods = new Map<string, ReturnType<typeof empty>>();
  const at = (p: string) => {
    let figures = periods.get(p);
    if (!figures) {
      figures = empty();
      periods.set(p, figures);
    }
    return figures;
  };
  const totals = empty();
  for (const row of statuses) {
    add(at(row.period), row, null);
    add(totals, row, null);
  }
  for (const row of fulfilments) {
    add(at(row.period), null, row);
    add(totals, null, row);
  }
  const data = [...periods.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, figures]) => ({ period: p, ...finish(figures) }));
  return { currency, time_zone, ...query, totals: finish(totals), data };
}
