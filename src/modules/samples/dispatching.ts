/*
 * The statements a dispatch puts in its own batch to move samples out and back. They
 * are guarded on the status the dispatch saw, so a sample can be out on one dispatch
 * only, and never comes back from a dispatch it is not out on.
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { IDS_PER_QUERY } from "../../db/lists";
import { type SampleOutcome, samples } from "../../db/schema";
import { chunks } from "../../lib/chunks";

export async function samplesByIds(db: Database, ids: string[]) {
  const parts = await Promise.all(
    chunks(ids, IDS_PER_QUERY).map((part) => db.select().from(samples).where(inArray(samples.id, part))),
  );
  return parts.flat();
}

/** Conditions (one per chunk of ids) that every one of the samples is in store. */
export function allInStoreSql(ids: string[]): SQL[] {
  return chunks(ids, IDS_PER_QUERY).map(
    (part) =>
      sql`(SELECT count(*) FROM samples WHERE id IN (${sql.join(
        part.map((id) => sql`${id}`),
        sql`, `,
      )}) AND status = 'in_store') = ${part.length}`,
  );
}

export function markDispatched(db: Database, ids: string[], dispatchId: string, at: string): Statement[] {
  return chunks(ids, IDS_PER_QUERY).map((part) =>
    db
      .update(samples)
      .set({ status: "dispatched", dispatchId, version: sql`${samples.version} + 1`, updatedAt: at })
      .where(and(inArray(samples.id, part), eq(samples.status, "in_store"))),
  );
}

export function markBack(
  db: Database,
  ids: string[],
  dispatchId: string,
  outcome: SampleOutcome,
  at: string,
): Statement[] {
  return chunks(ids, IDS_PER_QUERY).map((part) =>
    db
      .update(samples)
      .set({ status: outcome, dispatchId: null, version: sql`${samples.version} + 1`, updatedAt: at })
      .where(and(inArray(samples.id, part), eq(samples.dispatchId, dispatchId), eq(samples.status, "dispatched"))),
  );
}
