import { and, eq, gt, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dailySales, orderStatusTotals, products, stockLevels, users } from "../../db/schema";
import { getSettings } from "../settings";
import { outstandingCounts } from "./dispatch-counts";
import { addDays, startOfDay, today } from "./periods";

export interface SalesTotals {
  gross_sales: number;
  refunds: number;
  net_sales: number;
  orders: number;
  orders_paid: number;
  average_order_value: number;
  new_customers: number;
}

/** Sales of the days `from` (inclusive) to `to` (exclusive), in the store's zone and currency. */
async function totals(
  db: Database,
  timeZone: string,
  currency: string,
  from: string,
  to: string,
): Promise<SalesTotals> {
  const [sales, customers] = await db.batch([
    db
      .select({
        gross: sql<number>`coalesce(sum(${dailySales.grossSales}), 0)`,
        refunds: sql<number>`coalesce(sum(${dailySales.refunds}), 0)`,
        created: sql<number>`coalesce(sum(${dailySales.ordersCreated}), 0)`,
        paid: sql<number>`coalesce(sum(${dailySales.ordersPaid}), 0)`,
      })
      .from(dailySales)
      .where(and(eq(dailySales.currency, currency), gte(dailySales.day, from), lt(dailySales.day, to))),
    db
      .select({ count: sql<number>`count(*)` })
      .from(users)
      .where(
        and(
          eq(users.role, "customer"),
          gte(users.createdAt, startOfDay(timeZone, from)),
          lt(users.createdAt, startOfDay(timeZone, to)),
        ),
      ),
  ]);
  const s = sales[0] ?? { gross: 0, refunds: 0, created: 0, paid: 0 };
  return {
    gross_sales: s.gross,
    refunds: s.refunds,
    net_sales: s.gross - s.refunds,
    orders: s.created,
    orders_paid: s.paid,
    average_order_value: s.paid > 0 ? Math.round(s.gross / s.paid) : 0,
    new_customers: customers[0]?.count ?? 0,
  };
}

export async function dashboard(db: Database, now = Date.now()) {
  const settings = await getSettings(db);
  const timeZone = settings.time_zone;
  const day = today(timeZone, now);
  const tomorrow = addDays(day, 1);
  const [todayTotals, last7, last30, byStatus, stock, dispatches] = await Promise.all([
    totals(db, timeZone, settings.currency, day, tomorrow),
    totals(db, timeZone, settings.currency, addDays(day, -6), tomorrow),
    totals(db, timeZone, settings.currency, addDays(day, -29), tomorrow),
    // The rollup, one row per status; statuses no order is in any more are left out.
    db
      .select({ status: orderStatusTotals.status, count: orderStatusTotals.orders })
      .from(orderStatusTotals)
      .where(gt(orderStatusTotals.orders, 0)),
    db
      .select({
        onHand: sql<number>`coalesce(sum(${stockLevels.onHand}), 0)`,
        low: sql<number>`coalesce(sum(CASE WHEN ${stockLevels.isLow} AND ${stockLevels.available} > 0 THEN 1 ELSE 0 END), 0)`,
        out: sql<number>`coalesce(sum(CASE WHEN ${stockLevels.available} <= 0 THEN 1 ELSE 0 END), 0)`,
        value: sql<number>`coalesce(sum(${stockLevels.onHand} * ${products.unitCost}), 0)`,
        uncosted: sql<number>`coalesce(sum(CASE WHEN ${products.unitCost} IS NULL AND ${stockLevels.onHand} > 0 THEN 1 ELSE 0 END), 0)`,
      })
      .from(stockLevels)
      .leftJoin(products, eq(products.id, stockLevels.productId)),
    outstandingCounts(db, new Date(now).toISOString()),
  ]);
  return {
    currency: settings.currency,
    time_zone: timeZone,
    today: day,
    sales: { today: todayTotals, last_7_days: last7, last_30_days: last30 },
    orders_by_status: Object.fromEntries(byStatus.map((r) => [r.status, r.count])),
    stock: {
      on_hand: stock[0]?.onHand ?? 0,
      value_at_cost: stock[0]?.value ?? 0,
      products_without_cost: stock[0]?.uncosted ?? 0,
      low_stock: stock[0]?.low ?? 0,
      out_of_stock: stock[0]?.out ?? 0,
    },
    dispatches,
  };
}
