/*
 * `POST /v1/dispatches/{id}/return`: part or all of what is out comes back (`good` on hand,
 * `damaged` into damaged stock), is consumed or lost (written off from `out`); samples come
 * back or are consumed. Never more than is outstanding: checked against the dispatch as
 * read, and the batch is guarded on its version (a line's counters also have a CHECK), so
 * of concurrent returns each lands on the state the previous one left, or is refused. The
 * return is recorded in D1 first, then its stock moves on the objects, idempotent by ids
 * derived from the return; `stock_applied_at` marks it done, and the sweep finishes a
 * return a crash interrupted. The return id is derived from the caller and its
 * Idempotency-Key, so the same request never records two returns.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { guard, isGuardFailure, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { IDS_PER_QUERY } from "../../db/lists";
import {
  dispatches,
  dispatchLines,
  dispatchReturns,
  dispatchSamples,
  OUT_STATUSES,
  type ReturnedSample,
  type ReturnedStock,
  type SampleOutcome,
} from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { badRequest, conflict, type FieldProblem, invalidTransition } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { markBack } from "../samples";
import { getSettings } from "../settings";
import { dispatchRollup, returnDelta } from "./rollup";
import type { DispatchView, ReturnInput } from "./schemas";
import type { DispatchDeps } from "./send";
import { unchangedSql } from "./service";
import type { DispatchStock } from "./stock";
import {
  type DispatchState,
  dispatchEventData,
  type LineRow,
  loadDispatch,
  outstandingOf,
  sampleIdsOut,
  toDispatchView,
} from "./store";

type ReturnRow = typeof dispatchReturns.$inferSelect;

const COUNTER = { good: "returnedGood", damaged: "returnedDamaged", consumed: "consumed", lost: "lost" } as const;

/** The lines after the return, or the problems that refuse it. */
function applyStock(state: DispatchState, stock: ReturnedStock[]): LineRow[] {
  const lines = new Map(state.lines.map((l) => [l.productId, { ...l }]));
  const unknown: FieldProblem[] = [];
  stock.forEach((r, i) => {
    const line = lines.get(r.product_id);
    if (!line) unknown.push({ path: `lines.${i}.product_id`, message: "Not a line of this dispatch" });
    else line[COUNTER[r.condition]] += r.qty;
  });
  if (unknown.length > 0) throw badRequest("Some lines are not on this dispatch.", unknown);
  const requested = new Map<string, number>();
  for (const r of stock) requested.set(r.product_id, (requested.get(r.product_id) ?? 0) + r.qty);
  const over = state.lines.filter((l) => (requested.get(l.productId) ?? 0) > outstandingOf(l));
  if (over.length > 0) {
    throw conflict("More would come back than is outstanding; nothing was recorded.", {
      lines: over.map((l) => ({
        product_id: l.productId,
        outstanding: outstandingOf(l),
        requested: requested.get(l.productId) ?? 0,
      })),
    });
  }
  return [...lines.values()];
}

async function checkSamples(db: Database, dispatchId: string, samples: ReturnedSample[]): Promise<void> {
  const out = new Set(await sampleIdsOut(db, dispatchId));
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  samples.forEach((s, i) => {
    if (seen.has(s.sample_id)) problems.push({ path: `samples.${i}.sample_id`, message: "Named twice" });
    seen.add(s.sample_id);
  });
  if (problems.length > 0) throw badRequest("A sample is named twice.", problems);
  const notOut = samples.filter((s) => !out.has(s.sample_id)).map((s) => s.sample_id);
  if (notOut.length > 0) throw conflict("Some samples are not out on this dispatch.", { samples: notOut });
}

function sampleStatements(
  db: Database,
  state: DispatchState,
  samples: ReturnedSample[],
  returnId: string,
  at: string,
): Statement[] {
  const id = state.dispatch.id;
  return (["returned", "consumed"] as SampleOutcome[]).flatMap((outcome) => {
    const ids = samples.filter((s) => s.outcome === outcome).map((s) => s.sample_id);
    return [
      ...chunks(ids, IDS_PER_QUERY).map((part) =>
        db
          .update(dispatchSamples)
          .set({ outcome, returnId, resolvedAt: at })
          .where(
            and(
              eq(dispatchSamples.dispatchId, id),
              inArray(dispatchSamples.sampleId, part),
              isNull(dispatchSamples.outcome),
            ),
          ),
      ),
      ...markBack(db, ids, id, outcome, at),
    ];
  });
}

/** What the dispatch becomes: still partly out, all back, or all accounted for with something used up. */
function statusAfter(lines: LineRow[], samples: DispatchState["samples"]) {
  const out = lines.reduce((n, l) => n + outstandingOf(l), 0) + samples.out;
  if (out > 0) return "partially_returned" as const;
  const usedUp = lines.some((l) => l.consumed + l.lost > 0) || samples.consumed > 0;
  return usedUp ? ("closed" as const) : ("returned" as const);
}

async function recordOnce(db: Database, state: DispatchState, input: ReturnInput, returnId: string, meta: RequestMeta) {
  const d = state.dispatch;
  if (!(OUT_STATUSES as readonly string[]).includes(d.status)) {
    throw invalidTransition(`A ${d.status} dispatch has nothing out to return.`);
  }
  const stock: ReturnedStock[] = input.lines ?? [];
  const samples: ReturnedSample[] = input.samples ?? [];
  const lines = applyStock(state, stock);
  await checkSamples(db, d.id, samples);
  const back = samples.filter((s) => s.outcome === "returned").length;
  const counts = {
    ...state.samples,
    out: state.samples.out - samples.length,
    returned: state.samples.returned + back,
    consumed: state.samples.consumed + samples.length - back,
  };
  const now = nowIso();
  const status = statusAfter(lines, counts);
  const next: DispatchState = {
    lines,
    samples: counts,
    dispatch: { ...d, status, version: d.version + 1, updatedAt: now, closedAt: status === "closed" ? now : null },
  };
  const row: ReturnRow = {
    id: returnId,
    dispatchId: d.id,
    stock,
    samples,
    note: input.note ?? null,
    actorType: meta.actor?.kind ?? "system",
    actorId: meta.actor?.id ?? null,
    stockAppliedAt: stock.length === 0 ? now : null,
    createdAt: now,
  };
  const { time_zone: timeZone } = await getSettings(db);
  const completesAt = status === "partially_returned" ? null : now;
  const event = (type: "dispatch.returned" | "dispatch.closed") =>
    eventInsert(db, {
      type,
      resourceType: "dispatch",
      resourceId: d.id,
      data: dispatchEventData(next, { return_id: returnId }),
    }).statement;
  await runBatch(db, [
    guard(db, unchangedSql(d)),
    db.insert(dispatchReturns).values(row),
    ...lines
      .filter((l) => stock.some((r) => r.product_id === l.productId))
      .map((l) =>
        db
          .update(dispatchLines)
          .set({ returnedGood: l.returnedGood, returnedDamaged: l.returnedDamaged, consumed: l.consumed, lost: l.lost })
          .where(and(eq(dispatchLines.dispatchId, d.id), eq(dispatchLines.position, l.position))),
      ),
    ...sampleStatements(db, state, samples, returnId, now),
    dispatchRollup(db, timeZone, now, d, returnDelta(d, stock, samples, completesAt)),
    db
      .update(dispatches)
      .set({ status, version: next.dispatch.version, updatedAt: now, closedAt: next.dispatch.closedAt })
      .where(eq(dispatches.id, d.id)),
    event("dispatch.returned"),
    ...(status === "closed" ? [event("dispatch.closed")] : []),
    auditInsert(db, meta, {
      action: "dispatch.returned",
      entityType: "dispatch",
      entityId: d.id,
      before: { status: d.status },
      after: { status, return_id: returnId, stock, samples: samples.length },
    }),
  ]);
  return { row, next };
}

const RETURN_ATTEMPTS = 25;

async function existingReturn(db: Database, returnId: string): Promise<ReturnRow | undefined> {
  const [row] = await db.select().from(dispatchReturns).where(eq(dispatchReturns.id, returnId)).limit(1);
  return row;
}

/** Moves a recorded return's stock on the objects (idempotent), then marks it applied. */
export async function applyReturnStock(db: Database, stock: DispatchStock, row: ReturnRow, locationId: string) {
  await Promise.all(
    row.stock.map(async (r) =>
      stock.receive(
        {
          productId: r.product_id,
          locationId,
          qty: r.qty,
          movementId: await derivedId("mov", row.id, r.product_id, r.condition),
          reference: row.dispatchId,
          actor: row.actorId,
        },
        r.condition,
      ),
    ),
  );
  await db.update(dispatchReturns).set({ stockAppliedAt: nowIso() }).where(eq(dispatchReturns.id, row.id));
}

export async function recordReturn(
  deps: DispatchDeps,
  id: string,
  input: ReturnInput,
  requestKey: string,
  meta: RequestMeta,
): Promise<DispatchView> {
  const { db } = deps;
  const returnId = await derivedId("ret", id, requestKey);
  for (let attempt = 1; ; attempt++) {
    const done = await existingReturn(db, returnId);
    if (done) {
      const state = await loadDispatch(db, id);
      if (done.stockAppliedAt === null) await applyReturnStock(db, deps.stock, done, state.dispatch.locationId);
      return toDispatchView(state);
    }
    const state = await loadDispatch(db, id);
    try {
      const { row, next } = await recordOnce(db, state, input, returnId, meta);
      if (row.stockAppliedAt === null) await applyReturnStock(db, deps.stock, row, state.dispatch.locationId);
      return toDispatchView(next);
    } catch (err) {
      // Another return landed first: check this one again against what it left.
      if (!isGuardFailure(err)) throw err;
      if (attempt >= RETURN_ATTEMPTS) throw conflict("The dispatch is changing too fast; retry the return.");
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
