import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ImportType, importJobs } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { eventInsertIf } from "../events";
import type { CreateProductInput, UpdateProductInput } from "../products";
import { createProduct, findProductsBySku, updateProduct } from "../products";
import { CreateSampleSchema, createSampleBatch } from "../samples";
import { type InventoryDO, refusalError, stockObject } from "../stock";
import { type CsvRow, readRows, rowInput, rowLocations } from "./rows";

export interface ImportApplyDeps {
  db: Database;
  bucket: R2Bucket;
  stock: DurableObjectNamespace<InventoryDO>;
}

/** Rows between two saves of the place. */
const CHUNK_ROWS = 100;
/**
 * Rows one invocation applies before the rest goes to a new message, within D1's 1,000
 * statements per invocation: a product row costs about five, a count one call to its
 * stock object, a chunk of samples a handful.
 */
const ROWS_PER_RUN: Record<ImportType, number> = { products: 100, stock_counts: 500, samples: 1000 };

type Job = typeof importJobs.$inferSelect;

/** What one chunk did: rows applied in order up to a refusal, if one came. */
interface ChunkOutcome {
  applied: number;
  created: number;
  refusal: string | null;
}

/**
 * Products are matched by SKU, so a row applied again finds the product it created and
 * updates it to the same values (no change). Counts are set on the stock object under a
 * movement id derived from the job and the row number, which the object recognises when
 * a retried chunk sends it again. A row the catalog or the stock object refuses (what
 * changed since the file was validated) stops the chunk there; anything else is thrown,
 * for the message to be retried.
 */
async function applyRows(
  deps: ImportApplyDeps,
  job: Job,
  chunk: CsvRow[],
  locationIds: Map<string, string>,
  meta: RequestMeta,
): Promise<ChunkOutcome> {
  const existing = await findProductsBySku(
    deps.db,
    chunk.map((row) => row.cells.sku ?? ""),
  );
  let created = 0;
  for (const [applied, row] of chunk.entries()) {
    const productId = existing.get(row.cells.sku ?? "")?.id;
    const refused = (detail: string) => ({ applied, created, refusal: `row ${row.row}: ${detail}` });
    if (job.type === "stock_counts") {
      if (!productId) return refused(`no product has SKU ${row.cells.sku}`);
      const result = await stockObject(deps.stock, productId).setCount({
        movement_id: await derivedId("mov", job.id, String(row.row)),
        location_id: locationIds.get(row.cells.location_code ?? "") ?? null,
        on_hand: Number(row.cells.on_hand),
        expected_version: null,
        note: `import ${job.id} row ${row.row}`,
        actor: job.requestedById,
      });
      if (!result.ok) return refused(refusalError(result).message);
      continue;
    }
    const input = rowInput(row.cells, locationIds);
    try {
      if (productId) await updateProduct(deps.db, deps.stock, productId, input as UpdateProductInput, null, meta, "");
      else {
        await createProduct(deps.db, deps.stock, input as CreateProductInput, meta, "");
        created++;
      }
    } catch (err) {
      if (err instanceof AppError) return refused(err.message);
      throw err;
    }
  }
  return { applied: chunk.length, created, refusal: null };
}

/**
 * A chunk of samples, created in one batch under ids derived from the job and each row:
 * rows a retried chunk already created are found by their ids and not created again. A
 * row refused now (its number or interval taken since the file was validated) is not
 * created, and fails the import once the chunk is saved.
 */
async function applySamples(
  deps: ImportApplyDeps,
  job: Job,
  chunk: CsvRow[],
  locationIds: Map<string, string>,
  meta: RequestMeta,
): Promise<ChunkOutcome> {
  const ids = await Promise.all(chunk.map((row) => derivedId("smp", job.id, String(row.row))));
  const inputs = chunk.map((row) => CreateSampleSchema.parse(rowInput(row.cells, locationIds)));
  const result = await createSampleBatch(deps.db, inputs, meta, ids);
  const refused = result.results.filter((r) => !r.ok);
  const [first] = refused;
  const refusal = first
    ? `row ${chunk[first.index]?.row}: ${first.error?.detail}` +
      (refused.length > 1 ? ` (and ${refused.length - 1} more in rows ${chunk[0]?.row} to ${chunk.at(-1)?.row})` : "")
    : null;
  return { applied: chunk.length, created: result.created, refusal };
}

/**
 * Saves the place after a chunk, under the version the chunk started from; the last
 * chunk completes the import and a refusal (or spent retries) fails it, each with its
 * event. Null when another delivery of the same message moved the job meanwhile: that
 * one carries on.
 */
async function saveChunk(db: Database, job: Job, outcome: ChunkOutcome, rowCount: number): Promise<Job | null> {
  const rowsDone = job.rowsDone + outcome.applied;
  const status: Job["status"] = outcome.refusal ? "failed" : rowsDone >= rowCount ? "completed" : "applying";
  const error = outcome.refusal?.slice(0, 500) ?? null;
  const now = nowIso();
  const changes = {
    rowsDone,
    rowsCreated: job.rowsCreated + outcome.created,
    rowsUpdated: job.rowsUpdated + outcome.applied - outcome.created,
    version: job.version + 1,
    updatedAt: now,
    status,
    error,
    ...(status === "completed" ? { completedAt: now } : {}),
  };
  const update = db
    .update(importJobs)
    .set(changes)
    .where(and(eq(importJobs.id, job.id), eq(importJobs.version, job.version)))
    .returning({ id: importJobs.id });
  // The event is written only while the job still has the version the chunk started from,
  // so exactly with the update that lands.
  const event =
    status === "applying"
      ? null
      : eventInsertIf(
          db,
          {
            type: status === "completed" ? "import.completed" : "import.failed",
            resourceType: "import",
            resourceId: job.id,
            data: {
              id: job.id,
              version: changes.version,
              type: job.type,
              rows: rowsDone,
              ...(error ? { error } : {}),
            },
          },
          sql`EXISTS (SELECT 1 FROM import_jobs WHERE id = ${job.id} AND version = ${job.version})`,
        ).statement;
  const updated = event ? (await db.batch([event, update]))[1] : await update;
  return updated.length > 0 ? { ...job, ...changes } : null;
}

/** Marks an import failed when its message ran out of attempts, with its event. */
export async function failImport(db: Database, id: string, error: string): Promise<void> {
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  if (job?.status !== "applying") return;
  if (!(await saveChunk(db, job, { applied: 0, created: 0, refusal: error }, job.rowsTotal))) {
    throw new Error(`import ${id} changed while failing it; retry`);
  }
}

/**
 * Applies a confirmed import from its saved place, saving the place after every chunk,
 * for at most one run's rows: "more" when the rest is for a follow-up message.
 */
export async function applyImport(deps: ImportApplyDeps, id: string): Promise<"more" | "done"> {
  const [found] = await deps.db.select().from(importJobs).where(eq(importJobs.id, id));
  if (found?.status !== "applying") return "done";
  let job: Job = found;
  const object = await deps.bucket.get(job.fileKey);
  if (!object) throw new Error(`import ${id}: its file is gone`);
  const rows = readRows(job.type, await object.text());
  const locationIds = await rowLocations(deps.db, rows);
  const meta: RequestMeta = { actor: null, requestId: `import:${id}`, ip: null };
  const end = Math.min(rows.length, job.rowsDone + ROWS_PER_RUN[job.type]);
  do {
    const chunk = rows.slice(job.rowsDone, Math.min(end, job.rowsDone + CHUNK_ROWS));
    const apply = job.type === "samples" ? applySamples : applyRows;
    const saved = await saveChunk(deps.db, job, await apply(deps, job, chunk, locationIds, meta), rows.length);
    if (saved?.status !== "applying") return "done";
    job = saved;
  } while (job.rowsDone < end);
  return "more";
}
