/*
 * `POST /v1/samples:batch`: up to a thousand samples, each created or refused on its own
 * (a taken number, an unknown hole, an interval outside the hole or overlapping another,
 * also within the batch). The accepted rows and their audit rows go in one D1 batch of
 * multi-row inserts, a few hundred statements at the maximum, within D1's limits on bound
 * parameters and statements. A concurrent writer that takes a number or interval first
 * makes the batch fail as a whole; it is then checked again, so the rows it clashes with
 * are refused and the others still created.
 */

import { runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { samples } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { nowIso } from "../../lib/time";
import { auditInserts, type RequestMeta } from "../audit";
import { samplesByIds } from "./dispatching";
import { loadPlacement, place } from "./placement";
import type { CreateSampleInput, RowError, SampleBatchResult, SampleRow } from "./schemas";
import { toSampleView } from "./schemas";
import { newSampleRow, retryPlacement } from "./service";

// Fifteen columns per sample: six rows per insert stay under D1's 100 bound parameters.
const ROWS_PER_INSERT = 6;

/** Why each new sample could not be placed (null where it could), changing nothing. */
export async function sampleRefusals(db: Database, inputs: CreateSampleInput[]): Promise<(RowError | null)[]> {
  const now = nowIso();
  const rows = inputs.map((input) => newSampleRow(input, now));
  const placement = await loadPlacement(db, rows);
  return rows.map((row) => place(placement, row));
}

/**
 * `ids`, when given, are the new samples' ids, derived from the request's key or an
 * import's rows: a row whose sample a first run already created is answered with that
 * sample (as that run answered it) and not created again.
 */
export function createSampleBatch(
  db: Database,
  inputs: CreateSampleInput[],
  meta: RequestMeta,
  ids?: string[],
): Promise<SampleBatchResult> {
  return retryPlacement(async () => {
    const now = nowIso();
    const earlier = new Map((ids ? await samplesByIds(db, ids) : []).map((row) => [row.id, row]));
    const rows = inputs.map((input, i) => newSampleRow(input, now, ids?.[i]));
    const fresh = rows.filter((row) => !earlier.has(row.id));
    const placement = await loadPlacement(db, fresh);
    const refusals = new Map(fresh.map((row) => [row.id, place(placement, row)]));
    const accepted: SampleRow[] = fresh.filter((row) => refusals.get(row.id) === null);
    await runBatch(db, [
      ...chunks(accepted, ROWS_PER_INSERT).map((part) => db.insert(samples).values(part)),
      ...auditInserts(
        db,
        meta,
        accepted.map((row) => ({
          action: "sample.created",
          entityType: "sample",
          entityId: row.id,
          after: toSampleView(row),
        })),
      ),
    ]);
    const results = rows.map((row, index) => {
      const stored = earlier.get(row.id);
      const error = stored ? null : (refusals.get(row.id) ?? null);
      return { index, ok: error === null, sample: error === null ? toSampleView(stored ?? row) : null, error };
    });
    const created = results.filter((r) => r.ok).length;
    return { results, created, failed: rows.length - created };
  });
}
