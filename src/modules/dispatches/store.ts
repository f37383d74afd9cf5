import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dispatches, dispatchLines, dispatchSamples, OUT_STATUSES } from "../../db/schema";
import { notFound } from "../../lib/errors";
import type { DispatchView } from "./schemas";

export type DispatchRow = typeof dispatches.$inferSelect;
export type LineRow = typeof dispatchLines.$inferSelect;

export interface SampleCounts {
  total: number;
  out: number;
  returned: number;
  consumed: number;
}

export interface DispatchState {
  dispatch: DispatchRow;
  lines: LineRow[];
  samples: SampleCounts;
}

export const outstandingOf = (l: LineRow) => l.qty - l.returnedGood - l.returnedDamaged - l.consumed - l.lost;

export async function loadDispatchRow(db: Database, id: string): Promise<DispatchRow> {
  const [row] = await db.select().from(dispatches).where(eq(dispatches.id, id)).limit(1);
  if (!row) throw notFound("Dispatch");
  return row;
}

export async function sampleCounts(db: Database, dispatchId: string): Promise<SampleCounts> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)`,
      out: sql<number>`coalesce(sum(${dispatchSamples.outcome} IS NULL), 0)`,
      returned: sql<number>`coalesce(sum(${dispatchSamples.outcome} = 'returned'), 0)`,
      consumed: sql<number>`coalesce(sum(${dispatchSamples.outcome} = 'consumed'), 0)`,
    })
    .from(dispatchSamples)
    .where(eq(dispatchSamples.dispatchId, dispatchId));
  return row ?? { total: 0, out: 0, returned: 0, consumed: 0 };
}

export async function loadDispatch(db: Database, id: string): Promise<DispatchState> {
  const [dispatch, lines, samples] = await Promise.all([
    loadDispatchRow(db, id),
    db.select().from(dispatchLines).where(eq(dispatchLines.dispatchId, id)).orderBy(asc(dispatchLines.position)),
    sampleCounts(db, id),
  ]);
  return { dispatch, lines, samples };
}

export async function sampleIdsOut(db: Database, dispatchId: string): Promise<string[]> {
  const rows = await db
    .select({ id: dispatchSamples.sampleId })
    .from(dispatchSamples)
    .where(and(eq(dispatchSamples.dispatchId, dispatchId), sql`${dispatchSamples.outcome} IS NULL`));
  return rows.map((r) => r.id);
}

export function isOverdue(d: DispatchRow, now = new Date().toISOString()): boolean {
  return (
    (OUT_STATUSES as readonly string[]).includes(d.status) && d.expectedReturnAt !== null && d.expectedReturnAt < now
  );
}

export function outstandingUnits(state: DispatchState): number {
  if (!(OUT_STATUSES as readonly string[]).includes(state.dispatch.status)) return 0;
  return state.lines.reduce((sum, l) => sum + outstandingOf(l), 0) + state.samples.out;
}

export function toDispatchView(state: DispatchState): DispatchView {
  const d = state.dispatch;
  return {
    id: d.id,
    number: d.number,
    status: d.status,
    company_id: d.companyId,
    project_id: d.projectId,
    location_id: d.locationId,
    destination: { name: d.destinationName, address: d.destinationAddress ?? null },
    carrier: d.carrier,
    tracking_number: d.trackingNumber,
    expected_return_at: d.expectedReturnAt,
    notes: d.notes,
    lines: state.lines.map((l) => ({
      position: l.position,
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      qty: l.qty,
      returned_good: l.returnedGood,
      returned_damaged: l.returnedDamaged,
      consumed: l.consumed,
      lost: l.lost,
      outstanding: d.status === "draft" || d.status === "cancelled" ? 0 : outstandingOf(l),
    })),
    samples: state.samples,
    outstanding_units: outstandingUnits(state),
    overdue: isOverdue(d),
    dispatched_at: d.dispatchedAt,
    closed_at: d.closedAt,
    cancelled_at: d.cancelledAt,
    version: d.version,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

/** The `data` of every `dispatch.*` event. */
export function dispatchEventData(state: DispatchState, extra: { return_id?: string } = {}) {
  const d = state.dispatch;
  return {
    id: d.id,
    version: d.version,
    number: d.number,
    status: d.status,
    company_id: d.companyId,
    project_id: d.projectId,
    location_id: d.locationId,
    expected_return_at: d.expectedReturnAt,
    outstanding_units: outstandingUnits(state),
    ...extra,
  };
}
