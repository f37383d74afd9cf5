import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { badRequest } from "../../lib/errors";
import { getSettings } from "../settings";
import { addDays } from "./periods";

export const INTERVALS = ["day", "week", "month"] as const;
export const SALES_GROUPS = ["none", "product", "category"] as const;

export interface SalesQuery {
  from: string;
  to: string;
  interval: (typeof INTERVALS)[number];
  group_by: (typeof SALES_GROUPS)[number];
}

/** A year and a few days: 366 daily periods, or any grouping over them, stays one small read. */
const MAX_DAYS = 400;

/** The period a rollup day falls in: the day, the Monday of its ISO week, or its month. */
function periodOf(interval: SalesQuery["interval"]): SQL {
  if (interval === "week") return sql`date(day, 'weekday 0', '-6 days')`;
  if (interval === "month") return sql`substr(day, 1, 7)`;
  return sql`day`;
}

interface SalesRow {
  period: string;
  group: string | null;
  orders: number;
  gross_sales: number;
  refunds: number;
  net_sales: number;
  units_sold: number;
  units_refunded: number;
}

/**
 * Sales by period from the daily rollups, in the store's currency. Ungrouped, money
 * is order totals (tax included) and `orders` counts the orders placed; grouped by
 * product or category, it is line revenue before tax and `orders` is not known (0).
 */
export async function salesReport(db: Database, query: SalesQuery) {
  if (query.from > query.to)
    throw badRequest("`from` must not be after `to`.", [{ path: "to", message: "Before from" }]);
  if (addDays(query.from, MAX_DAYS) < query.to) {
    throw badRequest(`A sales report covers at most ${MAX_DAYS} days.`, [{ path: "to", message: "Range too long" }]);
  }
  const { currency, time_zone } = await getSettings(db);
  const period = periodOf(query.interval);
  const to = addDays(query.to, 1);
  let rows: SalesRow[];
  if (query.group_by === "none") {
    rows = await db.all<SalesRow>(sql`
      SELECT ${period} AS period, NULL AS "group", sum(orders_created) AS orders, sum(gross_sales) AS gross_sales,
        sum(refunds) AS refunds, sum(gross_sales) - sum(refunds) AS net_sales,
        sum(units_sold) AS units_sold, sum(units_refunded) AS units_refunded
      FROM daily_sales WHERE currency = ${currency} AND day >= ${query.from} AND day < ${to}
      GROUP BY 1 ORDER BY 1`);
  } else {
    const group = query.group_by === "product" ? sql`r.product_id` : sql`coalesce(p.category_id, 'uncategorised')`;
    rows = await db.all<SalesRow>(sql`
      SELECT ${period} AS period, ${group} AS "group", 0 AS orders, sum(r.revenue) AS gross_sales,
        sum(r.refund_amount) AS refunds, sum(r.revenue) - sum(r.refund_amount) AS net_sales,
        sum(r.units_sold) AS units_sold, sum(r.units_refunded) AS units_refunded
      FROM daily_product_sales r LEFT JOIN products p ON p.id = r.product_id
      WHERE r.currency = ${currency} AND r.day >= ${query.from} AND r.day < ${to}
      GROUP BY 1, 2 ORDER BY 1, net_sales DESC, 2`);
  }
  return { currency, time_zone, ...query, data: rows };
}
