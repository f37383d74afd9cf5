import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { decodeCursor, encodeCursor } from "../../lib/pagination";
import { getSettings } from "../settings";
import { projectedLevels } from "../stock";
import { addDays, today } from "./periods";
import { reportRange } from "./range";

export const PRODUCT_SORTS = ["units_sold", "revenue", "net_revenue", "units_refunded"] as const;

export interface ProductsQuery {
  from: string;
  to: string;
  sort: (typeof PRODUCT_SORTS)[number];
  limit: number;
  cursor?: string | undefined;
}

interface SoldRow {
  product_id: string;
  sku: string | null;
  name: string | null;
  units_sold: number;
  revenue: number;
  units_refunded: number;
  refunds: number;
  net_revenue: number;
  sort_value: number;
}

const SORT_COLUMN = {
  units_sold: sql`units_sold`,
  revenue: sql`revenue`,
  net_revenue: sql`revenue - refunds`,
  units_refunded: sql`units_refunded`,
} as const;

const ratio = (a: number, b: number, places: number) => (b > 0 ? Number((a / b).toFixed(places)) : null);

/** Days of the period up to today (a period running into the future has sold nothing there yet), at least 1. */
function elapsedDays(from: string, to: string, day: string): number {
  const last = to < day ? to : day;
  return Math.max(1, Math.round((Date.parse(addDays(last, 1)) - Date.parse(from)) / 86_400_000));
}

/**
 * The products sold or refunded in the period, from the daily product rollups (money is
 * line revenue before tax), largest first by `sort`, with the current stock from the
 * projection: return rate = units refunded ÷ units sold; sell-through = units sold ÷
 * (units sold + on hand); days of cover = available ÷ units sold per day of the period
 * so far (null when none sold).
 */
export async function productsReport(db: Database, query: ProductsQuery) {
  const { from, end } = reportRange(query);
  const { currency, time_zone } = await getSettings(db);
  const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
  const page = after
    ? sql`WHERE sort_value < ${after[0]} OR (sort_value = ${after[0]} AND product_id > ${after[1]})`
    : sql``;
  const rows = await db.all<SoldRow>(sql`
    WITH sold AS (
      SELECT product_id, sum(units_sold) AS units_sold, sum(revenue) AS revenue, sum(units_refunded) AS units_refunded,
        sum(refund_amount) AS refunds
      FROM daily_product_sales WHERE currency = ${currency} AND day >= ${from} AND day < ${end} GROUP BY product_id),
    keyed AS (SELECT sold.*, ${SORT_COLUMN[query.sort]} AS sort_value FROM sold)
    SELECT k.product_id, p.sku, p.name, k.units_sold, k.revenue, k.units_refunded, k.refunds,
      k.revenue - k.refunds AS net_revenue, k.sort_value
    FROM (SELECT * FROM keyed ${page} ORDER BY sort_value DESC, product_id LIMIT ${query.limit + 1}) k
    LEFT JOIN products p ON p.id = k.product_id
    ORDER BY k.sort_value DESC, k.product_id`);
  const kept = rows.slice(0, query.limit);
  const levels = await projectedLevels(
    db,
    kept.map((r) => r.product_id),
  );
  const days = elapsedDays(query.from, query.to, today(time_zone));
  const data = kept.map(({ sort_value: _, ...r }) => {
    const level = levels.get(r.product_id) ?? { on_hand: 0, available: 0 };
    return {
      ...r,
      ...level,
      return_rate: ratio(r.units_refunded, r.units_sold, 4),
      sell_through: ratio(r.units_sold, r.units_sold + level.on_hand, 4),
      days_of_cover: r.units_sold > 0 ? Number((level.available / (r.units_sold / days)).toFixed(1)) : null,
    };
  });
  const last = kept.at(-1);
  return {
    currency,
    time_zone,
    from: query.from,
    to: query.to,
    sort: query.sort,
    days,
    data,
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.sort_value, last.product_id]) : null,
  };
}
