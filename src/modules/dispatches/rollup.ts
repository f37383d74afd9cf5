import { sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { dailyDispatches, type ReturnedSample, type ReturnedStock } from "../../db/schema";
import { dayIn } from "../../lib/days";
import type { DispatchRow } from "./store";

const COLUMNS = [
  "dispatches",
  "lines",
  "unitsDispatched",
  "samplesDispatched",
  "unitsReturnedGood",
  "unitsReturnedDamaged",
  "unitsConsumed",
  "unitsLost",
  "samplesReturned",
  "samplesConsumed",
  "completed",
  "turnaroundSeconds",
] as const;

export type DispatchDelta = Partial<Record<(typeof COLUMNS)[number], number>>;

/**
 * Adds the delta to the day's row of the dispatch's company and project, to run in the
 * batch of the send or return itself: those batches are guarded to commit once, so the
 * rollup counts each exactly once.
 */
export function dispatchRollup(
  db: Database,
  timeZone: string,
  at: string,
  d: Pick<DispatchRow, "companyId" | "projectId">,
  delta: DispatchDelta,
): Statement {
  const values = Object.fromEntries(COLUMNS.map((c) => [c, delta[c] ?? 0]));
  const set = Object.fromEntries(COLUMNS.map((c) => [c, sql`${dailyDispatches[c]} + ${delta[c] ?? 0}`]));
  return db
    .insert(dailyDispatches)
    .values({ day: dayIn(timeZone, at), companyId: d.companyId, projectId: d.projectId ?? "", ...values })
    .onConflictDoUpdate({ target: [dailyDispatches.day, dailyDispatches.companyId, dailyDispatches.projectId], set });
}

const RETURNED = {
  good: "unitsReturnedGood",
  damaged: "unitsReturnedDamaged",
  consumed: "unitsConsumed",
  lost: "unitsLost",
} as const;

/** What one return adds; when it leaves nothing out, the dispatch completes with its days out. */
export function returnDelta(
  d: DispatchRow,
  stock: ReturnedStock[],
  samples: ReturnedSample[],
  completesAt: string | null,
): DispatchDelta {
  const delta: DispatchDelta = {
    samplesReturned: samples.filter((s) => s.outcome === "returned").length,
    samplesConsumed: samples.filter((s) => s.outcome === "consumed").length,
  };
  for (const r of stock) delta[RETURNED[r.condition]] = (delta[RETURNED[r.condition]] ?? 0) + r.qty;
  if (completesAt && d.dispatchedAt) {
    delta.completed = 1;
    delta.turnaroundSeconds = Math.round((Date.parse(completesAt) - Date.parse(d.dispatchedAt)) / 1000);
  }
  return delta;
}
