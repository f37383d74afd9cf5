/*
 * The dispatch sweep (every minute). Overdue: each dispatch still out past its expected
 * return gets exactly one `dispatch.overdue`: the event row is written only while the
 * dispatch has none, and the same batch then records it on the dispatch; batches run one
 * at a time, so overlapping sweeps cannot both emit it. Returns: stock of a recorded return that a
 * crash left unmoved is moved now (idempotent by the movement ids the return derives).
 */
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { dispatches, dispatchReturns, OUT_STATUSES } from "../../db/schema";
import { eventInsertIf } from "../events";
import { statesOf } from "./queries";
import { applyReturnStock } from "./returns";
import type { DispatchStock } from "./stock";
import { dispatchEventData } from "./store";

/** Two statements per dispatch: a page this size stays far inside D1's statements per invocation. */
const OVERDUE_PER_SWEEP = 100;
const RETURNS_PER_SWEEP = 25;
const STALE_RETURN_MS = 60_000;

export async function sweepOverdueDispatches(db: Database, nowMs: number): Promise<number> {
  const now = new Date(nowMs).toISOString();
  const rows = await db
    .select()
    .from(dispatches)
    .where(
      and(
        inArray(dispatches.status, [...OUT_STATUSES]),
        lt(dispatches.expectedReturnAt, now),
        isNull(dispatches.overdueEventId),
      ),
    )
    .limit(OVERDUE_PER_SWEEP);
  if (rows.length === 0) return 0;
  const states = await statesOf(db, rows);
  await runBatch(
    db,
    states.flatMap((state) => {
      const id = state.dispatch.id;
      const event = eventInsertIf(
        db,
        { type: "dispatch.overdue", resourceType: "dispatch", resourceId: id, data: dispatchEventData(state) },
        sql`EXISTS (SELECT 1 FROM dispatches WHERE id = ${id} AND overdue_event_id IS NULL)`,
      );
      return [
        event.statement,
        db
          .update(dispatches)
          .set({ overdueEventId: event.id })
          .where(and(eq(dispatches.id, id), isNull(dispatches.overdueEventId))),
      ];
    }),
  );
  return rows.length;
}

export async function finishReturns(db: Database, stock: DispatchStock, nowMs: number): Promise<number> {
  const stale = new Date(nowMs - STALE_RETURN_MS).toISOString();
  const rows = await db
    .select({ ret: dispatchReturns, locationId: dispatches.locationId })
    .from(dispatchReturns)
    .innerJoin(dispatches, eq(dispatches.id, dispatchReturns.dispatchId))
    .where(and(isNull(dispatchReturns.stockAppliedAt), lt(dispatchReturns.createdAt, stale)))
    .limit(RETURNS_PER_SWEEP);
  for (const { ret, locationId } of rows) await applyReturnStock(db, stock, ret, locationId);
  return rows.length;
}
