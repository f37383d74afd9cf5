import { type SQL, sql } from "drizzle-orm";
import { badRequest } from "../../lib/errors";
import { addDays } from "./periods";

/** How a report's days are grouped into periods. */
export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

export interface DayRange {
  /** First day, inclusive (`YYYY-MM-DD` in the store's zone). */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/** A year and a few days: 366 daily periods, or any grouping over them, stays one small read. */
const MAX_DAYS = 400;

/** Refuses a range that ends before it starts or is longer than a report covers (400, nothing read). */
export function checkRange(range: DayRange, report: string): void {
  if (range.from > range.to)
    throw badRequest("`from` must not be after `to`.", [{ path: "to", message: "Before from" }]);
  if (addDays(range.from, MAX_DAYS) < range.to) {
    throw badRequest(`A ${report} report covers at most ${MAX_DAYS} days.`, [
      { path: "to", message: "Range too long" },
    ]);
  }
}

/** The period a rollup `day` column falls in: the day, the Monday of its ISO week, or its month. */
export function periodOf(interval: Interval, day: SQL = sql`day`): SQL {
  if (interval === "week") return sql`date(${day}, 'weekday 0', '-6 days')`;
  if (interval === "month") return sql`substr(${day}, 1, 7)`;
  return day;
}
