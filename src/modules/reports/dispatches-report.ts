/*
 * `GET /v1/reports/dispatches`: per company and project, what was dispatched, returned,
 * consumed and lost in the period, what was still out at its end, and the turnaround of
 * the dispatches completed in it. All from the daily dispatch rollup: the period's
 * figures from its days, the outstanding ones from every day up to its end (one row per
 * day and project that saw a dispatch or a return).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { getSettings } from "../settings";
import { reportRange } from "./range";

export interface DispatchesQuery {
  from: string;
  to: string;
  company_id?: string | undefined;
}

interface Row {
  company_id: string;
  company_name: string | null;
  project_id: string;
  project_code: string | null;
  dispatches: number;
  lines: number;
  units_dispatched: number;
  samples_dispatched: number;
  units_returned_good: number;
  units_returned_damaged: number;
  units_consumed: number;
  units_lost: number;
  samples_returned: number;
  samples_consumed: number;
  units_outstanding: number;
  samples_outstanding: number;
  completed: number;
  turnaround_seconds: number;
}

/** The rollup's counters, summed over the period's days. */
const PERIOD_COLUMNS = [
  "dispatches",
  "lines",
  "units_dispatched",
  "samples_dispatched",
  "units_returned_good",
  "units_returned_damaged",
  "units_consumed",
  "units_lost",
  "samples_returned",
  "samples_consumed",
  "completed",
  "turnaround_seconds",
] as const;

const DAY_SECONDS = 86_400;

/** Average days from sent to the last return, to two decimals; null when none completed. */
const averageDays = (seconds: number, completed: number) =>
  completed > 0 ? Math.round((seconds / completed / DAY_SECONDS) * 100) / 100 : null;

export async function dispatchesReport(db: Database, query: DispatchesQuery) {
  const { time_zone } = await getSettings(db);
  const { end: to } = reportRange(query);
  const period = sql.join(
    PERIOD_COLUMNS.map(
      (c) => sql`sum(CASE WHEN r.day >= ${query.from} THEN r.${sql.raw(c)} ELSE 0 END) AS ${sql.raw(c)}`,
    ),
    sql`, `,
  );

  const rows = await db.all<Row>(sql`
    SELECT r.company_id, c.name AS company_name, r.project_id, pr.code AS project_code, ${period},
      sum(r.units_dispatched - r.units_returned_good - r.units_returned_damaged - r.units_consumed - r.units_lost)
        AS units_outstanding,
      sum(r.samples_dispatched - r.samples_returned - r.samples_consumed) AS samples_outstanding
    FROM daily_dispatches r
      LEFT JOIN companies c ON c.id = r.company_id
      LEFT JOIN projects pr ON pr.id = r.project_id
    WHERE r.day < ${to} ${query.company_id ? sql`AND r.company_id = ${query.company_id}` : sql``}
    GROUP BY r.company_id, r.project_id
    HAVING sum(CASE WHEN r.day >= ${query.from} THEN 1 ELSE 0 END) > 0 OR units_outstanding <> 0 OR samples_outstanding <> 0
    ORDER BY c.name, r.company_id, pr.code, r.project_id`);
  const totals = rows.reduce(
    (t, r) => ({
      dispatches: t.dispatches + r.dispatches,
      units_dispatched: t.units_dispatched + r.units_dispatched,
      units_returned: t.units_returned + r.units_returned_good + r.units_returned_damaged,
      units_consumed: t.units_consumed + r.units_consumed,
      units_lost: t.units_lost + r.units_lost,
      units_outstanding: t.units_outstanding + r.units_outstanding,
      samples_outstanding: t.samples_outstanding + r.samples_outstanding,
      completed: t.completed + r.completed,
      turnaround_seconds: t.turnaround_seconds + r.turnaround_seconds,
    }),
    {
      dispatches: 0,
      units_dispatched: 0,
      units_returned: 0,
      units_consumed: 0,
      units_lost: 0,
      units_outstanding: 0,
      samples_outstanding: 0,
      completed: 0,
      turnaround_seconds: 0,
    },
  );
  const { turnaround_seconds, ...total } = totals;
  const data = rows.map(({ project_id, turnaround_seconds: seconds, ...r }) => ({
    ...r,
    project_id: project_id === "" ? null : project_id,
    average_turnaround_days: averageDays(seconds, r.completed),
  }));
  return {
    time_zone,
    from: query.from,
    to: query.to,
    company_id: query.company_id ?? null,
    data,
    total: { ...total, average_turnaround_days: averageDays(turnaround_seconds, total.completed) },
  };
}
