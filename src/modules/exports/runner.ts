import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { exportJobs, type UploadedPart } from "../../db/schema";
import { fromBase64, toBase64 } from "../../lib/base64";
import { isoInSeconds, nowIso } from "../../lib/time";
import { eventInsertIf } from "../events";
import { csvLines } from "./csv";
import { countRows, type KeysetPosition, readPage } from "./reader";
import { columnsOf } from "./sources";

/** R2's smallest multipart part; every part but the last is exactly this size. */
export const PART_BYTES = 5 * 1024 * 1024;
const PAGE_ROWS = 500;
/** Parts written per queue message; the rest continue in a follow-up message, within the invocation's limits. */
const PARTS_PER_RUN = 16;
export const FILE_DAYS = 7;

export interface ExportRunDeps {
  db: Database;
  bucket: R2Bucket;
}

type Job = typeof exportJobs.$inferSelect;
const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Saves the job's new place if nobody else moved it since it was read; false means another run owns it. */
async function save(db: Database, job: Job, changes: Partial<Job>, extra: "completed" | null = null) {
  const update = db
    .update(exportJobs)
    .set({ ...changes, version: job.version + 1, updatedAt: nowIso() })
    .where(and(eq(exportJobs.id, job.id), eq(exportJobs.version, job.version)))
    .returning({ id: exportJobs.id });
  if (extra === null) return (await update).length > 0;
  // The event is written only while the job still has the version this run read, so only
  // with the completion that lands: a stale run's batch inserts nothing and updates nothing.
  const event = eventInsertIf(
    db,
    {
      type: "export.completed",
      resourceType: "export",
      resourceId: job.id,
      data: { id: job.id, version: job.version + 1, type: job.type, rows: changes.rowsDone, bytes: changes.bytes },
    },
    sql`EXISTS (SELECT 1 FROM export_jobs WHERE id = ${job.id} AND version = ${job.version})`,
  );
  const [, updated] = await db.batch([event.statement, update]);
  if (updated.length === 0) throw new Error(`export ${job.id} completed twice`);
  return true;
}

async function start(deps: ExportRunDeps, job: Job): Promise<Job | null> {
  const rowsTotal = await countRows(deps.db, job.type, job.filters);
  const upload = await deps.bucket.createMultipartUpload(job.fileKey, {
    httpMetadata: { contentType: "text/csv; charset=utf-8" },
  });
  const header = csvLines([columnsOf(job.type)]);
  const changes = {
    status: "running" as const,
    uploadId: upload.uploadId,
    rowsTotal,
    carry: toBase64(encoder.encode(header)),
    startedAt: nowIso(),
  };
  if (!(await save(deps.db, job, changes))) {
    await upload.abort();
    return null;
  }
  return { ...job, ...changes, version: job.version + 1 };
}

async function uploadPart(upload: R2MultipartUpload, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
  const part = await upload.uploadPart(partNumber, body);
  return { partNumber: part.partNumber, etag: part.etag };
}

/**
 * Runs an export from where it stands until the file is complete or this message's
 * budget of parts is spent. Returns "more" when a follow-up message must continue it.
 * A throw leaves the last saved place intact: the retried message resumes from it, and
 * a part uploaded but not saved is simply uploaded again under the same number.
 */
export async function runExport(deps: ExportRunDeps, id: string): Promise<"done" | "more"> {
  const [found] = await deps.db.select().from(exportJobs).where(eq(exportJobs.id, id));
  if (!found || (found.status !== "queued" && found.status !== "running")) return "done";
  const started = found.status === "queued" ? await start(deps, found) : found;
  if (!started?.uploadId) return "done";
  let job: Job = started;
  const upload = deps.bucket.resumeMultipartUpload(job.fileKey, started.uploadId);

  for (let partsThisRun = 0; ; partsThisRun++) {
    if (partsThisRun === PARTS_PER_RUN) return "more";
    let buffer = fromBase64(job.carry);
    let cursor: KeysetPosition | null = job.cursor;
    let rowsRead = 0;
    let ended = false;
    while (buffer.length < PART_BYTES) {
      const page = await readPage(deps.db, job.type, job.filters, cursor, PAGE_ROWS);
      if (page.rows.length > 0) {
        buffer = concat(buffer, encoder.encode(csvLines(page.rows)));
        rowsRead += page.rows.length;
        cursor = page.last;
      }
      if (page.rows.length < PAGE_ROWS) {
        ended = true;
        break;
      }
    }
    const body = ended ? buffer : buffer.subarray(0, PART_BYTES);
    // A file that ends exactly on a part boundary has no last part to add.
    const parts: UploadedPart[] =
      body.length === 0 && job.parts.length > 0
        ? job.parts
        : [...job.parts, await uploadPart(upload, job.parts.length + 1, body)];
    const rowsDone = job.rowsDone + rowsRead;
    const bytes = job.bytes + body.length;
    if (ended) {
      await upload.complete(parts);
      await save(
        deps.db,
        job,
        {
          status: "completed",
          parts,
          cursor,
          carry: "",
          rowsDone,
          rowsTotal: rowsDone,
          bytes,
          completedAt: nowIso(),
          expiresAt: isoInSeconds(FILE_DAYS * 24 * 60 * 60),
        },
        "completed",
      );
      return "done";
    }
    const changes: Partial<Job> = { parts, cursor, carry: toBase64(buffer.subarray(PART_BYTES)), rowsDone, bytes };
    if (!(await save(deps.db, job, changes))) return "done";
    job = { ...job, ...changes, version: job.version + 1 };
  }
}
