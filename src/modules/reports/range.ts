import { type SQL, sql } from "drizzle-orm";
import { badRequest } from "../../lib/errors";
import { addDays } from "./periods";

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/** A year and a few days: 366 daily periods, or any grouping over them, stays one small read. */
const MAX_DAYS = 400;

/**
 * Checks a report's `from`…`to` (days, both inclusive) and answers the exclusive end
 * the rollup reads compare `day` with.
 */
export function reportRange(query: { from: string; to: string }): { from: string; end: string } {
  if (query.from > query.to)
    throw badRequest("`from` must not be after `to`.", [{ path: "to", message: "Before from" }]);
  if (addDays(query.from, MAX_DAYS) < query.to) {
    throw badRequest(`A report covers at most ${MAX_DAYS} days.`, [{ path: "to", message: "Range too long" }]);
  }
  return { from: query.from, end: addDays(query.to, 1) };
}

/** The period a rollup day (its `day` column) falls in: the day, the Monday of its ISO week, or its month. */
export function periodOf(interval: Interval, day: SQL = sql`day`): SQL {
  if (interval === "week") return sql`date(${day}, 'weekday 0', '-6 days')`;
  if (interval === "month") return sql`substr(${day}, 1, 7)`;
  return day;
}
