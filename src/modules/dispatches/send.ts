/*
 * `POST /v1/dispatches/{id}/dispatch`, a small saga like checkout. (0) The request claims
 * the draft in D1 (`sending_key`), so only one request sends its stock at a time; a claim
 * left by a request that died is taken over after a minute, its stock given back first.
 * (1) Every stock line goes from `on_hand` to `out` on its product's stock object, in
 * parallel, with movement ids derived from the dispatch and the claim. (2) If any line is
 * short, they are all undone and the answer is 409 with per-line availability; the draft
 * stays as it was. (3) One D1 batch, guarded on the claim, the company and project still
 * open and every sample still in store, marks the dispatch and its samples dispatched,
 * with event and audit row. (4) If that batch fails, the stock is undone.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { guard, isGuardFailure, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { dispatches } from "../../db/schema";
import { AppError, conflict, invalidTransition } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { allInStoreSql, markDispatched } from "../samples";
import { getSettings } from "../settings";
import { sampleIdsOf } from "./contents";
import { dispatchRollup } from "./rollup";
import type { DispatchView } from "./schemas";
import { checkParties, partiesStillOpen } from "./service";
import type { DispatchStock, StockMove } from "./stock";
import { type DispatchRow, type DispatchState, dispatchEventData, loadDispatch, toDispatchView } from "./store";

export interface DispatchDeps {
  db: Database;
  stock: DispatchStock;
}

/** A claim this old belongs to a request that died. */
const ABANDONED_AFTER_MS = 60_000;

/** The stock movements a claim sends (and undoes), one per line. */
export function sendMoves(state: DispatchState, sendingKey: string, actor: string | null): Promise<StockMove[]> {
  const d = state.dispatch;
  return Promise.all(
    state.lines.map(async (l) => ({
      productId: l.productId,
      locationId: d.locationId,
      qty: l.qty,
      movementId: await derivedId("mov", d.id, sendingKey, l.productId),
      reference: d.id,
      actor,
    })),
  );
}

export async function undoSends(stock: DispatchStock, moves: StockMove[]): Promise<void> {
  await Promise.all(moves.map((m) => stock.unsend(m)));
}

/** Takes the draft for this request; gives back what an abandoned claim had sent. */
async function claim(deps: DispatchDeps, state: DispatchState, key: string): Promise<void> {
  const { db, stock } = deps;
  const d = state.dispatch;
  if (d.sendingKey !== null && d.sendingKey !== key) {
    if (Date.now() - Date.parse(d.sendingAt ?? "") < ABANDONED_AFTER_MS) {
      throw conflict("Another request is dispatching this dispatch; retry shortly.");
    }
    await undoSends(stock, await sendMoves(state, d.sendingKey, null));
  }
  const claimed = await db
    .update(dispatches)
    .set({ sendingKey: key, sendingAt: nowIso() })
    .where(
      and(
        eq(dispatches.id, d.id),
        eq(dispatches.status, "draft"),
        eq(dispatches.version, d.version),
        d.sendingKey === null ? isNull(dispatches.sendingKey) : eq(dispatches.sendingKey, d.sendingKey),
      ),
    )
    .returning({ id: dispatches.id });
  if (claimed.length === 0) throw conflict("The dispatch changed meanwhile; fetch it again and retry.");
}

async function release(db: Database, d: DispatchRow, key: string): Promise<void> {
  await db
    .update(dispatches)
    .set({ sendingKey: null, sendingAt: null })
    .where(and(eq(dispatches.id, d.id), eq(dispatches.status, "draft"), eq(dispatches.sendingKey, key)));
}

/** All lines or none: on any refusal or failure what was sent is undone before the error. */
async function sendAll(stock: DispatchStock, state: DispatchState, moves: StockMove[]): Promise<void> {
  const results = await Promise.allSettled(moves.map((m) => stock.send(m)));
  if (results.every((r) => r.status === "fulfilled" && r.value.ok)) return;
  await undoSends(stock, moves);
  if (results.some((r) => r.status === "rejected")) {
    throw new AppError("SERVICE_UNAVAILABLE", "Stock could not be moved; nothing was sent. Retry shortly.");
  }
  throw new AppError("INSUFFICIENT_STOCK", "Not enough stock on hand for some lines; nothing was sent.", {
    extra: {
      lines: state.lines.map((l, i) => {
        const r = results[i];
        const available = r?.status === "fulfilled" && !r.value.ok ? r.value.available : l.qty;
        return { product_id: l.productId, requested: l.qty, available };
      }),
    },
  });
}

/** `requestKey` is the caller and its Idempotency-Key: a retry of the same request reclaims and resends nothing twice. */
export async function sendDispatch(
  deps: DispatchDeps,
  id: string,
  requestKey: string,
  meta: RequestMeta,
): Promise<DispatchView> {
  const { db, stock } = deps;
  const state = await loadDispatch(db, id);
  const d = state.dispatch;
  if (d.status !== "draft") {
    // The claim stays on the row once sent: a retry of the request that sent it (its answer
    // lost in a crash) answers with the dispatch; anyone else's request is refused.
    if (d.sendingKey === requestKey) return toDispatchView(state);
    throw invalidTransition(`A ${d.status} dispatch cannot be dispatched again.`);
  }
  const sampleIds = await sampleIdsOf(db, id);
  if (state.lines.length === 0 && sampleIds.length === 0) throw conflict("The dispatch has nothing on it to send.");
  await checkParties(db, d.companyId, d.projectId);
  await claim(deps, state, requestKey);

  const moves = await sendMoves(state, requestKey, meta.actor?.id ?? null);
  try {
    await sendAll(stock, state, moves);
  } catch (err) {
    await release(db, d, requestKey);
    throw err;
  }

  const now = nowIso();
  const next: DispatchState = {
    ...state,
    dispatch: { ...d, status: "dispatched", dispatchedAt: now, version: d.version + 1, updatedAt: now },
    samples: { ...state.samples, out: sampleIds.length },
  };
  const { time_zone: timeZone } = await getSettings(db);
  const claimed = sql`EXISTS (SELECT 1 FROM dispatches WHERE id = ${id} AND status = 'draft' AND version = ${d.version} AND sending_key = ${requestKey})`;
  try {
    await runBatch(db, [
      guard(db, sql`${claimed} AND ${partiesStillOpen(d)}`),
      // One guard per chunk of samples: a single one would bind more than D1's 100 parameters.
      ...allInStoreSql(sampleIds).map((inStore) => guard(db, inStore)),
      db
        .update(dispatches)
        .set({ status: "dispatched", dispatchedAt: now, version: next.dispatch.version, updatedAt: now })
        .where(eq(dispatches.id, id)),
      ...markDispatched(db, sampleIds, id, now),
      dispatchRollup(db, timeZone, now, d, {
        dispatches: 1,
        lines: state.lines.length,
        unitsDispatched: state.lines.reduce((n, l) => n + l.qty, 0),
        samplesDispatched: sampleIds.length,
      }),
      eventInsert(db, {
        type: "dispatch.dispatched",
        resourceType: "dispatch",
        resourceId: id,
        data: dispatchEventData(next),
      }).statement,
      auditInsert(db, meta, {
        action: "dispatch.dispatched",
        entityType: "dispatch",
        entityId: id,
        before: { status: "draft" },
        after: { status: "dispatched", lines: state.lines.length, samples: sampleIds.length },
      }),
    ]);
  } catch (err) {
    await undoSends(stock, moves);
    await release(db, d, requestKey);
    if (isGuardFailure(err)) {
      throw conflict("Some samples left the store, or the company or project closed, meanwhile; nothing was sent.");
    }
    throw err;
  }
  return toDispatchView(next);
}

/** What a draft's claim may have sent, for cancelling it: given back, a no-op where nothing landed. */
export async function undoClaim(stock: DispatchStock, state: DispatchState): Promise<void> {
  if (state.dispatch.sendingKey !== null)
    await undoSends(stock, await sendMoves(state, state.dispatch.sendingKey, null));
}
