import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { getSettings } from "../settings";
import { type Interval, periodOf, reportRange } from "./range";

export const SALES_GROUPS = ["none", "product", "category", "location"] as const;

export interface SalesQuery {
  from: string;
  to: string;
  interval: Interval;
  group_by: (typeof SALES_GROUPS)[number];
}

interface SalesRow {
  period: string;
  group: string | null;
  location_code: string | null;
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
 * product, category or location (where the units were sold from: a line over several
 * locations split by units, its money in proportion), it is line revenue before tax
 * and `orders` is not known (0).
 */
export async function salesReport(db: Database, query: SalesQuery) {
  const { end: to } = reportRange(query);
  const { currency, time_zone } = await getSettings(db);
  const period = periodOf(query.interval);
  let rows: SalesRow[];
  // The figures of a product or location rollup `r`, summed over the group.
  const grouped = sql`sum(r.revenue) AS gross_sales, sum(r.refund_amount) AS refunds,
    sum(r.revenue) - sum(r.refund_amount) AS net_sales, sum(r.units_sold) AS units_sold,
    sum(r.units_refunded) AS units_refunded`;
  if (query.group_by === "none") {
    rows = await db.all<SalesRow>(sql`
      SELECT ${period} AS period, NULL AS "group", NULL AS location_code, sum(orders_created) AS orders,
        sum(gross_sales) AS gross_sales, sum(refunds) AS refunds, sum(gross_sales) - sum(refunds) AS net_sales,
        sum(units_sold) AS units_sold, sum(units_refunded) AS units_refunded
      FROM daily_sales WHERE currency = ${currency} AND day >= ${query.from} AND day < ${to}
      GROUP BY 1 ORDER BY 1`);
  } else if (query.group_by === "location") {
    rows = await db.all<SalesRow>(sql`
      SELECT ${period} AS period, r.location_id AS "group", l.code AS location_code, 0 AS orders,
        ${grouped} FROM daily_location_sales r LEFT JOIN locations l ON l.id = r.location_id
      WHERE r.currency = ${currency} AND r.day >= ${query.from} AND r.day < ${to}
      GROUP BY 1, 2 ORDER BY 1, net_sales DESC, 2`);
  } else {
    const group = query.group_by === "product" ? sql`r.product_id` : sql`coalesce(p.category_id, 'uncategorised')`;
    rows = await db.all<SalesRow>(sql`
      SELECT ${period} AS period, ${group} AS "group", NULL AS location_code, 0 AS orders,
        ${grouped} FROM daily_product_sales r LEFT JOIN products p ON p.id = r.product_id
      WHERE r.currency = ${currency} AND r.day >= ${query.from} AND r.day < ${to}
      GROUP BY 1, 2 ORDER BY 1, net_sales DESC, 2`);
  }
  return { currency, time_zone, ...query, data: rows };
}
