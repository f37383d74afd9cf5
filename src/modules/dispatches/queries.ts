/*
 * Lists: dispatches (newest first), the outstanding ones (oldest out first, with what is
 * still out per line, days out and whether they are overdue), the samples of a dispatch
 * and the dispatch history of a sample. A page's lines and sample counts are read with a
 * few chunked queries, never one per dispatch.
 */
import { and, asc, desc, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { IDS_PER_QUERY } from "../../db/lists";
import { dispatches, dispatchLines, dispatchSamples, OUT_STATUSES, samples } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { decodeCursor, toPage } from "../../lib/pagination";
import type { SampleHistoryEntry } from "../samples";
import type { DispatchSampleView, ListDispatchesFilter, OutstandingFilter, OutstandingView } from "./schemas";
import {
  type DispatchRow,
  type DispatchState,
  isOverdue,
  type LineRow,
  outstandingOf,
  outstandingUnits,
  type SampleCounts,
  toDispatchView,
} from "./store";

export async function statesOf(db: Database, rows: DispatchRow[]): Promise<DispatchState[]> {
  const ids = rows.map((r) => r.id);
  const parts = await Promise.all(
    chunks(ids, IDS_PER_QUERY).map((part) =>
      Promise.all([
        db
          .select()
          .from(dispatchLines)
          .where(inArray(dispatchLines.dispatchId, part))
          .orderBy(asc(dispatchLines.position)),
        db
          .select({
            id: dispatchSamples.dispatchId,
            total: sql<number>`count(*)`,
            out: sql<number>`coalesce(sum(${dispatchSamples.outcome} IS NULL), 0)`,
            returned: sql<number>`coalesce(sum(${dispatchSamples.outcome} = 'returned'), 0)`,
            consumed: sql<number>`coalesce(sum(${dispatchSamples.outcome} = 'consumed'), 0)`,
          })
          .from(dispatchSamples)
          .where(inArray(dispatchSamples.dispatchId, part))
          .groupBy(dispatchSamples.dispatchId),
      ]),
    ),
  );
  const lines = new Map<string, LineRow[]>();
  const counts = new Map<string, SampleCounts>();
  for (const [lineRows, countRows] of parts) {
    for (const l of lineRows) lines.set(l.dispatchId, [...(lines.get(l.dispatchId) ?? []), l]);
    for (const { id, ...c } of countRows) counts.set(id, c);
  }
  return rows.map((dispatch) => ({
    dispatch,
    lines: lines.get(dispatch.id) ?? [],
    samples: counts.get(dispatch.id) ?? { total: 0, out: 0, returned: 0, consumed: 0 },
  }));
}

export async function listDispatches(db: Database, filter: ListDispatchesFilter) {
  const where: (SQL | undefined)[] = [
    filter.status ? eq(dispatches.status, filter.status) : undefined,
    filter.company_id ? eq(dispatches.companyId, filter.company_id) : undefined,
    filter.project_id ? eq(dispatches.projectId, filter.project_id) : undefined,
    filter.cursor ? lt(dispatches.id, String(decodeCursor(filter.cursor, 1)[0])) : undefined,
  ];
  const rows = await db
    .select()
    .from(dispatches)
    .where(and(...where))
    .orderBy(desc(dispatches.id))
    .limit(filter.limit + 1);
  const page = toPage(
    rows,
    filter.limit,
    (r) => [r.id],
    (r) => r,
  );
  return { data: (await statesOf(db, page.data)).map(toDispatchView), next_cursor: page.next_cursor };
}

const DAY_MS = 86_400_000;

function toOutstanding(state: DispatchState, now: string): OutstandingView {
  const d = state.dispatch;
  const since = d.dispatchedAt ?? d.createdAt;
  return {
    id: d.id,
    number: d.number,
    status: d.status,
    company_id: d.companyId,
    project_id: d.projectId,
    location_id: d.locationId,
    destination_name: d.destinationName,
    dispatched_at: since,
    expected_return_at: d.expectedReturnAt,
    days_out: Math.floor((Date.parse(now) - Date.parse(since)) / DAY_MS),
    overdue: isOverdue(d, now),
    lines: state.lines
      .filter((l) => outstandingOf(l) > 0)
      .map((l) => ({ product_id: l.productId, sku: l.sku, qty: l.qty, outstanding: outstandingOf(l) })),
    samples_out: state.samples.out,
    outstanding_units: outstandingUnits(state),
  };
}

export async function listOutstanding(db: Database, filter: OutstandingFilter) {
  const now = new Date().toISOString();
  let after: SQL | undefined;
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, 2);
    after = or(
      gt(dispatches.dispatchedAt, String(at)),
      and(eq(dispatches.dispatchedAt, String(at)), gt(dispatches.id, String(id))),
    );
  }
  const rows = await db
    .select()
    .from(dispatches)
    .where(
      and(
        inArray(dispatches.status, [...OUT_STATUSES]),
        filter.company_id ? eq(dispatches.companyId, filter.company_id) : undefined,
        filter.project_id ? eq(dispatches.projectId, filter.project_id) : undefined,
        filter.location_id ? eq(dispatches.locationId, filter.location_id) : undefined,
        filter.overdue ? lt(dispatches.expectedReturnAt, now) : undefined,
        after,
      ),
    )
    .orderBy(asc(dispatches.dispatchedAt), asc(dispatches.id))
    .limit(filter.limit + 1);
  const page = toPage(
    rows,
    filter.limit,
    (r) => [r.dispatchedAt, r.id],
    (r) => r,
  );
  return { data: (await statesOf(db, page.data)).map((s) => toOutstanding(s, now)), next_cursor: page.next_cursor };
}

export async function samplesOfDispatch(db: Database, dispatchId: string): Promise<DispatchSampleView[]> {
  const rows = await db
    .select({ link: dispatchSamples, sample: samples })
    .from(dispatchSamples)
    .innerJoin(samples, eq(samples.id, dispatchSamples.sampleId))
    .where(eq(dispatchSamples.dispatchId, dispatchId))
    .orderBy(asc(samples.number));
  return rows.map(({ link, sample }) => ({
    sample_id: sample.id,
    number: sample.number,
    type: sample.type,
    drillhole_id: sample.drillholeId,
    depth_from: sample.depthFrom,
    depth_to: sample.depthTo,
    lot: sample.lot,
    outcome: link.outcome ?? "out",
    return_id: link.returnId,
    resolved_at: link.resolvedAt,
  }));
}

/** Every dispatch a sample went out on (drafts and cancelled ones aside), oldest first. */
export async function sampleHistory(db: Database, sampleId: string): Promise<SampleHistoryEntry[]> {
  const rows = await db
    .select({ link: dispatchSamples, dispatch: dispatches })
    .from(dispatchSamples)
    .innerJoin(dispatches, eq(dispatches.id, dispatchSamples.dispatchId))
    .where(and(eq(dispatchSamples.sampleId, sampleId), sql`${dispatches.dispatchedAt} IS NOT NULL`))
    .orderBy(asc(dispatches.dispatchedAt));
  return rows.map(({ link, dispatch }) => ({
    dispatch_id: dispatch.id,
    dispatch_number: dispatch.number,
    company_id: dispatch.companyId,
    dispatched_at: dispatch.dispatchedAt,
    outcome: link.outcome ?? "out",
    return_id: link.returnId,
    resolved_at: link.resolvedAt,
  }));
}

/** For the company register: no dispatch to the company is outstanding (checked inside its write). */
export function noOutstandingDispatchSql(where: { companyId: string }): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM dispatches WHERE company_id = ${where.companyId} AND status IN ('dispatched', 'partially_returned'))`;
}
