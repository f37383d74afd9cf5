import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { importJobs } from "../../db/schema";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { eventInsert } from "../events";
import type { CreateProductInput, UpdateProductInput } from "../products";
import { createProduct, updateProduct } from "../products";
import { CreateSampleSchema, createSampleBatch } from "../samples";
import { type InventoryDO, stockObject } from "../stock";
import { type CsvRow, productIdsBySku, readRows, rowInput, rowLocations } from "./rows";

export interface ImportApplyDeps {
  db: Database;
  bucket: R2Bucket;
  stock: DurableObjectNamespace<InventoryDO>;
}

const CHUNK_ROWS = 100;
type Job = typeof importJobs.$inferSelect;

/**
 * One row applied. Products are matched by SKU, so a row applied again finds the
 * product it created and updates it to the same values (no change). Counts are set on
 * the stock object under a movement id derived from the job and the row number, which
 * the object recognises when a retried chunk sends it again.
 */
async function applyRow(
  deps: ImportApplyDeps,
  job: Job,
  row: CsvRow,
  locationIds: Map<string, string>,
  meta: RequestMeta,
): Promise<"created" | "updated"> {
  const sku = row.cells.sku ?? "";
  const productId = (await productIdsBySku(deps.db, [sku])).get(sku);
  if (job.type === "stock_counts") {
    if (!productId) throw new Error(`row ${row.row}: no product has SKU ${sku}`);
    const result = await stockObject(deps.stock, productId).setCount({
      movement_id: await derivedId("mov", job.id, String(row.row)),
      location_id: locationIds.get(row.cells.location_code ?? "") ?? null,
      on_hand: Number(row.cells.on_hand),
      expected_version: null,
      note: `import ${job.id} row ${row.row}`,
      actor: job.requestedById,
    });
    if (!result.ok) throw new Error(`row ${row.row}: the stock object refused the count (${result.code})`);
    return "updated";
  }
  const input = rowInput(row.cells, locationIds);
  if (productId) {
    await updateProduct(deps.db, deps.stock, productId, input as UpdateProductInput, null, meta, "");
    return "updated";
  }
  await createProduct(deps.db, deps.stock, input as CreateProductInput, meta, "");
  return "created";
}

/**
 * A chunk of samples, created in one batch under ids derived from the job and each row:
 * rows a retried chunk already created are found by their ids and not created again. A
 * row refused now (its number or interval taken since the file was validated) fails the
 * chunk, and so the import once its retries are spent.
 */
async function applySamples(
  deps: ImportApplyDeps,
  job: Job,
  chunk: CsvRow[],
  locationIds: Map<string, string>,
  meta: RequestMeta,
): Promise<number> {
  const ids = await Promise.all(chunk.map((row) => derivedId("smp", job.id, String(row.row))));
  const inputs = chunk.map((row) => CreateSampleSchema.parse(rowInput(row.cells, locationIds)));
  const result = await createSampleBatch(deps.db, inputs, meta, ids);
  const refused = result.results.find((r) => !r.ok);
  if (refused) throw new Error(`row ${chunk[refused.index]?.row}: ${refused.error?.detail}`);
  return result.created;
}

/** Applies a confirmed import from its saved place to the end, saving the place after every chunk. */
export async function applyImport(deps: ImportApplyDeps, id: string): Promise<void> {
  const [found] = await deps.db.select().from(importJobs).where(eq(importJobs.id, id));
  if (found?.status !== "applying") return;
  let job: Job = found;
  const object = await deps.bucket.get(job.fileKey);
  if (!object) throw new Error(`import ${id}: its file is gone`);
  const rows = readRows(job.type, await object.text());
  const locationIds = await rowLocations(deps.db, rows);
  const meta: RequestMeta = { actor: null, requestId: `import:${id}`, ip: null };
  while (job.rowsDone < rows.length) {
    const chunk = rows.slice(job.rowsDone, job.rowsDone + CHUNK_ROWS);
    let created = 0;
    if (job.type === "samples") created = await applySamples(deps, job, chunk, locationIds, meta);
    else for (const row of chunk) if ((await applyRow(deps, job, row, locationIds, meta)) === "created") created++;
    const done = job.rowsDone + chunk.length === rows.length;
    const changes = {
      rowsDone: job.rowsDone + chunk.length,
      rowsCreated: job.rowsCreated + created,
      rowsUpdated: job.rowsUpdated + chunk.length - created,
      version: job.version + 1,
      updatedAt: nowIso(),
      ...(done ? { status: "completed" as const, completedAt: nowIso() } : {}),
    };
    const update = deps.db
      .update(importJobs)
      .set(changes)
      .where(and(eq(importJobs.id, id), eq(importJobs.version, job.version)))
      .returning({ id: importJobs.id });
    const statements = done
      ? [
          update,
          eventInsert(deps.db, {
            type: "import.completed",
            resourceType: "import",
            resourceId: id,
            data: { id, version: changes.version, type: job.type, rows: changes.rowsDone },
          }).statement,
        ]
      : [update];
    const [updated] = await deps.db.batch(statements as [typeof update]);
    // Another delivery of the same message moved the job meanwhile; it carries on.
    if (updated.length === 0) return;
    job = { ...job, ...changes };
  }
}
