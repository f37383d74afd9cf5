import { type SQL, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { documentCounters } from "../../db/schema";

/** Invoices, credit notes and dispatch notes: each a gap-free yearly series. */
export type Series = "INV" | "CRN" | "DSP";

/**
 * Hands out the next number of a series for a year. It must run in the same batch
 * as the insert that takes the number (`numberSql`/`sequenceSql`): if that batch
 * fails, the bump is rolled back with it, so numbers never skip; D1 runs batches one
 * at a time, so two issuers never read the same number.
 */
export function bumpCounter(db: Database, series: Series, year: number): Statement {
  return db
    .insert(documentCounters)
    .values({ series, year, lastNumber: 1 })
    .onConflictDoUpdate({
      target: [documentCounters.series, documentCounters.year],
      set: { lastNumber: sql`${documentCounters.lastNumber} + 1` },
    });
}

/** The sequence just handed out, as a scalar subquery for the document's INSERT. */
export function sequenceSql(series: Series, year: number): SQL {
  return sql`(SELECT last_number FROM document_counters WHERE series = ${series} AND year = ${year})`;
}

/** `INV-2026-000123`: series, year and the sequence zero-padded to six digits (more once past 999,999). */
export function numberSql(series: Series, year: number): SQL {
  return sql`${`${series}-${year}-`} || printf('%06d', ${sequenceSql(series, year)})`;
}
