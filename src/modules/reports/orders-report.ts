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

/** A period's figures as the rows are added up. */
interface Tally extends Counted {
  by_status: Record<OrderStatus, Counted>;
  orders_fulfilled: number;
  fulfilment_seconds: number;
}

const emptyTally = (): Tally => ({
  orders: 0,
  value: 0,
  by_status: Object.fromEntries(ORDER_STATUSES.map((s) => [s, { orders: 0, value: 0 }])) as Tally["by_status"],
  orders_fulfilled: 0,
  fulfilment_seconds: 0,
});

function addStatus(into: Tally, row: StatusRow) {
  into.orders += row.orders;
  into.value += row.value;
  into.by_status[row.status].orders += row.orders;
  into.by_status[row.status].value += row.value;
}

function addFulfilment(into: Tally, row: FulfilmentRow) {
  into.orders_fulfilled += row.orders_fulfilled;
  into.fulfilment_seconds += row.fulfilment_seconds;
}

function figures({ fulfilment_seconds, ...tally }: Tally) {
  const fulfilled = tally.orders_fulfilled;
  return { ...tally, average_fulfilment_seconds: fulfilled > 0 ? Math.round(fulfilment_seconds / fulfilled) : null };
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
  const periods = new Map<string, Tally>();
  const at = (period: string) => {
    let tally = periods.get(period);
    if (!tally) {
      tally = emptyTally();
      periods.set(period, tally);
    }
    return tally;
  };
  const totals = emptyTally();
  for (const row of statuses) {
    addStatus(at(row.period), row);
    addStatus(totals, row);
  }
  for (const row of fulfilments) {
    addFulfilment(at(row.period), row);
    addFulfilment(totals, row);
  }
  const data = [...periods.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, tally]) => ({ period, ...figures(tally) }));
  return { currency, time_zone, ...query, totals: figures(totals), data };
}
