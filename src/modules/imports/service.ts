import { stringify } from "csv-stringify/sync";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { type ImportType, importJobs } from "../../db/schema";
import { AppError, badRequest, forbidden, idempotencyConflict, invalidTransition, notFound } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import { isAllowed, PERMISSIONS } from "../../middleware/permissions";
import { auditInsert, type RequestMeta } from "../audit";
import { neutralise } from "../exports";
import { MAX_IMPORT_ROWS, readRows, validateRows } from "./rows";
import { importView } from "./view";

// A Worker has 128 MB: the file's text and its parsed rows must fit in it together.
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const SUMMARY_ERRORS = 100;

/** A queue message that applies one confirmed import. */
export interface ImportApplyMessage {
  type: "import.apply";
  import_id: string;
}

/** An import writes what the endpoint named here writes, so it needs that endpoint's permission. */
const WRITE_ENDPOINT: Record<ImportType, string> = {
  products: "POST /v1/products",
  stock_counts: "PUT /v1/inventory/:product_id",
  samples: "POST /v1/samples:batch",
};

function mayImport(actor: Actor | null, type: ImportType): boolean {
  const rule = PERMISSIONS[WRITE_ENDPOINT[type]];
  return actor !== null && rule !== undefined && isAllowed({ ...rule, own: [] }, actor);
}

/**
 * Stores the file in R2 and validates every row, changing nothing else: the answer is
 * the summary (and a CSV of every error when there are any). `id` comes from the
 * request's Idempotency-Key when it has one (`keyedId`): a retry of an upload that was
 * committed finds its job and answers with it (`created: false`), and the same key with
 * another file is refused.
 */
export async function createImport(
  db: Database,
  bucket: R2Bucket,
  input: { type: ImportType; file: File },
  id: string,
  meta: RequestMeta,
): Promise<{ created: boolean; job: ReturnType<typeof importView> }> {
  const actor = meta.actor;
  if (!actor || !mayImport(actor, input.type))
    throw forbidden(`You may not write ${input.type}, so you may not import them.`);
  if (input.file.size > MAX_IMPORT_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `An import file is at most ${MAX_IMPORT_BYTES} bytes.`);
  }
  const text = await input.file.text();
  const earlier = await sameUpload(db, bucket, id, input.type, text);
  if (earlier) return { created: false, job: importView(earlier) };
  const rows = readRows(input.type, text);
  if (rows.length === 0) throw badRequest("The file has a header but no rows to import.");
  if (rows.length > MAX_IMPORT_ROWS) {
    throw badRequest(`A file holds at most ${MAX_IMPORT_ROWS} rows; this one has ${rows.length}. Split it.`);
  }
  const errors = await validateRows(db, input.type, rows);
  const fileKey = `imports/${id}.csv`;
  const errorsKey = errors.length > 0 ? `imports/${id}-errors.csv` : null;
  await bucket.put(fileKey, text, { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
  if (errorsKey) {
    const csv = stringify([
      ["row", "column", "message"],
      ...errors.map((e) => [e.row, e.column, e.message].map(neutralise)),
    ]);
    await bucket.put(errorsKey, csv, { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
  }
  const badRows = new Set(errors.map((e) => e.row)).size;
  const now = nowIso();
  const row: typeof importJobs.$inferInsert = {
    id,
    type: input.type,
    status: errors.length > 0 ? "invalid" : "validated",
    fileKey,
    fileName: input.file.name || null,
    bytes: input.file.size,
    rowsTotal: rows.length,
    rowsValid: rows.length - badRows,
    errorCount: errors.length,
    errors: errors.slice(0, SUMMARY_ERRORS),
    errorsKey,
    requestedByType: actor.kind,
    requestedById: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  // A twin of this keyed upload may commit first: the audit row is written only with our insert.
  const [, inserted] = await db.batch([
    auditInsert(
      db,
      meta,
      {
        action: "import.create",
        entityType: "import",
        entityId: id,
        after: { type: input.type, rows: rows.length, errors: errors.length },
      },
      sql`NOT EXISTS (SELECT 1 FROM import_jobs WHERE id = ${id})`,
    ),
    db.insert(importJobs).values(row).onConflictDoNothing().returning({ id: importJobs.id }),
  ]);
  return { created: inserted.length > 0, job: await getImport(db, actor, id) };
}

/** The job an earlier request with this key created, if the file is the same; another file is a conflict. */
async function sameUpload(db: Database, bucket: R2Bucket, id: string, type: ImportType, text: string) {
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job) return null;
  const stored = await bucket.get(job.fileKey);
  if (job.type !== type || !stored || (await stored.text()) !== text) throw idempotencyConflict();
  return job;
}

async function findImport(db: Database, actor: Actor | null, id: string) {
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job || !mayImport(actor, job.type)) throw notFound("Import");
  return job;
}

export const getImport = async (db: Database, actor: Actor | null, id: string) =>
  importView(await findImport(db, actor, id));

export async function importErrorsFile(db: Database, bucket: R2Bucket, actor: Actor | null, id: string) {
  const job = await findImport(db, actor, id);
  const object = job.errorsKey ? await bucket.get(job.errorsKey) : null;
  if (!object) throw notFound("The errors file (this import has no errors)");
  return { job, object };
}

/**
 * Starts applying a validated import. Only the first confirm moves it (a guarded
 * update); a repeated confirm answers with the job as it stands and applies nothing again.
 */
export async function confirmImport(db: Database, jobs: Queue, id: string, meta: RequestMeta) {
  const job = await findImport(db, meta.actor, id);
  if (job.status === "applying" || job.status === "completed") return importView(job);
  if (job.status !== "validated") {
    throw invalidTransition(`An import that is ${job.status} cannot be applied; fix the file and upload it again.`);
  }
  const now = nowIso();
  // The audit row goes first, on the update's own condition, so it is written exactly when the update lands.
  const [, moved] = await db.batch([
    auditInsert(
      db,
      meta,
      { action: "import.confirm", entityType: "import", entityId: id },
      sql`EXISTS (SELECT 1 FROM import_jobs WHERE id = ${id} AND status = 'validated')`,
    ),
    db
      .update(importJobs)
      .set({ status: "applying", confirmedAt: now, version: job.version + 1, updatedAt: now })
      .where(and(eq(importJobs.id, id), eq(importJobs.status, "validated")))
      .returning({ id: importJobs.id }),
  ]);
  if (moved.length > 0) await jobs.send({ type: "import.apply", import_id: id } satisfies ImportApplyMessage);
  return getImport(db, meta.actor, id);
}

const STALLED_MS = 5 * 60 * 1000;

/** Cron: imports left applying for five minutes without progress (a lost message) are sent again. */
export async function resumeStalledImports(db: Database, jobs: Queue, now: number): Promise<void> {
  const rows = await db
    .select({ id: importJobs.id })
    .from(importJobs)
    .where(and(eq(importJobs.status, "applying"), lt(importJobs.updatedAt, new Date(now - STALLED_MS).toISOString())))
    .limit(100);
  if (rows.length > 0) {
    await jobs.sendBatch(
      rows.map((r) => ({ body: { type: "import.apply", import_id: r.id } satisfies ImportApplyMessage })),
    );
  }
}
