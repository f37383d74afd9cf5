/*
 * `GET /v1/reports/inventory`: the movements by reason over time (from the daily movement
 * rollup summed over products), the stock's value at cost per location (the projected levels × unit_cost, now),
 * and the slow movers: products with stock on hand and the fewest units sold or
 * dispatched in the period. Optionally for one location.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { getSettings } from "../settings";
import { type Interval, periodOf, reportRange } from "./range";

export interface InventoryQuery {
  from: string;
  to: string;
  interval: Interval;
  location_id?: string | undefined;
  limit: number;
}

/** The reasons that are demand: a unit left the shelf because it was sold or sent out. */
const DEMAND_REASONS = ["sale", "dispatch"] as const;

interface MovementSeries {
  period: string;
  reason: string;
  movements: number;
  units_in: number;
  units_out: number;
}

interface StockValue {
  on_hand: number;
  value_at_cost: number;
  units_without_cost: number;
  products_without_cost: number;
}

interface LocationValue extends StockValue {
  location_id: string;
  name: string | null;
}

/** Units on hand × unit_cost; products without a cost are counted (once however many locations hold them). */
const VALUE_COLUMNS = sql`
  coalesce(sum(l.on_hand), 0) AS on_hand,
  coalesce(sum(l.on_hand * p.unit_cost), 0) AS value_at_cost,
  coalesce(sum(CASE WHEN p.unit_cost IS NULL THEN l.on_hand ELSE 0 END), 0) AS units_without_cost,
  count(DISTINCT CASE WHEN p.unit_cost IS NULL AND l.on_hand > 0 THEN l.product_id END) AS products_without_cost`;

interface SlowMover {
  product_id: string;
  sku: string;
  name: string;
  on_hand: number;
  units_out: number;
}

export async function inventoryReport(db: Database, query: InventoryQuery) {
  const { currency, time_zone } = await getSettings(db);
  const { end: to } = reportRange(query);
  const at = query.location_id;
  const atLocation = (column: SQL) => (at ? sql`AND ${column} = ${at}` : sql``);
  const [movements, values, totals, slow] = await Promise.all([
    db.all<MovementSeries>(sql`
      SELECT ${periodOf(query.interval)} AS period, reason, sum(movements) AS movements,
        sum(units_in) AS units_in, sum(units_out) AS units_out
      FROM daily_location_movements
      WHERE day >= ${query.from} AND day < ${to} ${atLocation(sql`location_id`)}
      GROUP BY 1, 2 HAVING sum(movements) > 0 ORDER BY 1, 2`),
    db.all<LocationValue>(sql`
      SELECT l.location_id, loc.name, ${VALUE_COLUMNS}
      FROM stock_location_levels l
        LEFT JOIN products p ON p.id = l.product_id
        LEFT JOIN locations loc ON loc.id = l.location_id
      WHERE 1 ${atLocation(sql`l.location_id`)}
      GROUP BY l.location_id ORDER BY value_at_cost DESC, l.location_id`),
    db.all<StockValue>(sql`
      SELECT ${VALUE_COLUMNS}
      FROM stock_location_levels l LEFT JOIN products p ON p.id = l.product_id
      WHERE 1 ${atLocation(sql`l.location_id`)}`),
    db.all<SlowMover>(sql`
      SELECT s.product_id, p.sku, p.name, s.on_hand, coalesce(o.units_out, 0) AS units_out
      FROM ${at ? sql`(SELECT product_id, on_hand FROM stock_location_levels WHERE location_id = ${at})` : sql`stock_levels`} s
        JOIN products p ON p.id = s.product_id
        LEFT JOIN (
          SELECT product_id, sum(units_out) AS units_out FROM daily_stock_movements
          WHERE day >= ${query.from} AND day < ${to} AND ${inList(sql`reason`, DEMAND_REASONS)}
            ${atLocation(sql`location_id`)}
          GROUP BY product_id
        ) o ON o.product_id = s.product_id
      WHERE s.on_hand > 0
      ORDER BY units_out, s.on_hand DESC, s.product_id
      LIMIT ${query.limit}`),
  ]);
  return {
    currency,
    time_zone,
    from: query.from,
    to: query.to,
    interval: query.interval,
    location_id: at ?? null,
    movements,
    stock_value: {
      locations: values,
      total: totals[0] ?? { on_hand: 0, value_at_cost: 0, units_without_cost: 0, products_without_cost: 0 },
    },
    slow_movers: slow,
  };
}
