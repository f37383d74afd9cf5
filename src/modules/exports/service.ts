import { and, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { olderThanCursor } from "../../db/keyset";
import { EXPORT_TYPES, type ExportFilters, type ExportType, exportJobs } from "../../db/schema";
import { badRequest, forbidden, notFound } from "../../lib/errors";
import { toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { isAllowed, PERMISSIONS } from "../../middleware/permissions";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsertIf } from "../events";
import { EXPORT_SOURCES } from "./sources";
import { exportView } from "./view";

/** A queue message that runs (or continues) one export. */
export interface ExportRunMessage {
  type: "export.run";
  export_id: string;
}

/**
 * Whether the actor may read the data of this export type: the permission of the
 * endpoint that lists that data, without its "own" part (an export holds everyone's rows).
 */
export function mayReadType(actor: Actor, type: ExportType): boolean {
  const rule = PERMISSIONS[EXPORT_SOURCES[type].readEndpoint];
  return rule !== undefined && isAllowed({ ...rule, own: [] }, actor);
}

export interface CreateExportInput {
  type: ExportType;
  format: "csv";
  filters: ExportFilters;
}

/**
 * `exportId` comes from the request's Idempotency-Key (`keyedId`): a retry after a crash
 * that followed the commit answers with that export (the every-minute resume sends a job
 * whose message was lost). Derived ids do not sort by time, so lists go by creation time.
 */
export async function createExport(
  db: Database,
  jobs: Queue,
  input: CreateExportInput,
  meta: RequestMeta,
  exportId: string,
) {
  const actor = meta.actor;
  if (!actor) throw forbidden();
  if (!mayReadType(actor, input.type))
    throw forbidden(`You may not read ${input.type} data, so you may not export it.`);
  const accepted = EXPORT_SOURCES[input.type].filters;
  const unknown = Object.keys(input.filters).filter((name) => !(name in accepted));
  if (unknown.length > 0) {
    throw badRequest(
      `The ${input.type} export accepts the filters: ${Object.keys(accepted).join(", ") || "none"}.`,
      unknown.map((name) => ({ path: `filters.${name}`, message: "Not a filter of this export type" })),
    );
  }
  const values = EXPORT_SOURCES[input.type].values ?? {};
  const outside = (Object.keys(values) as (keyof typeof values)[]).filter((name) => {
    const value = input.filters[name];
    return value !== undefined && !values[name]?.includes(value);
  });
  if (outside.length > 0) {
    throw badRequest(
      "Some filters name a value their column never holds.",
      outside.map((name) => ({ path: `filters.${name}`, message: `One of ${values[name]?.join(", ")}` })),
    );
  }
  // Stored times are `toISOString()` text, so filters are brought to that form to compare as text.
  const filters: ExportFilters = { ...input.filters };
  if (filters.from) filters.from = new Date(filters.from).toISOString();
  if (filters.to) filters.to = new Date(filters.to).toISOString();
  const { from, to } = filters;
  if (from && to && from >= to)
    throw badRequest("`from` must be before `to`.", [{ path: "filters.to", message: "Before from" }]);
  const id = exportId;
  const now = nowIso();
  const row: typeof exportJobs.$inferInsert = {
    id,
    type: input.type,
    format: input.format,
    filters,
    status: "queued",
    fileKey: `exports/${id}.csv`,
    parts: [],
    requestedByType: actor.kind,
    requestedById: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(exportJobs).values(row),
      auditInsert(db, meta, {
        action: "export.create",
        entityType: "export",
        entityId: id,
        after: { type: input.type, filters: input.filters },
      }),
    ]);
  } catch (err) {
    const [committed] = await db.select({ id: exportJobs.id }).from(exportJobs).where(eq(exportJobs.id, id));
    if (committed) return getExport(db, actor, id);
    throw err;
  }
  await jobs.send({ type: "export.run", export_id: id } satisfies ExportRunMessage);
  return getExport(db, actor, id);
}

async function findReadable(db: Database, actor: Actor, id: string) {
  const [job] = await db.select().from(exportJobs).where(eq(exportJobs.id, id));
  // An export of data the caller may not read is answered as if it did not exist.
  if (!job || !mayReadType(actor, job.type)) throw notFound("Export");
  return job;
}

export async function getExport(db: Database, actor: Actor, id: string) {
  return exportView(await findReadable(db, actor, id));
}

export async function listExports(
  db: Database,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined; type?: ExportType | undefined; status?: string | undefined },
) {
  const readable = EXPORT_TYPES.filter((type) => mayReadType(actor, type) && (!query.type || query.type === type));
  if (readable.length === 0) return { data: [], next_cursor: null };
  const where = [inArray(exportJobs.type, readable)];
  if (query.status) where.push(eq(exportJobs.status, query.status as "queued"));
  if (query.cursor) where.push(olderThanCursor(exportJobs.createdAt, exportJobs.id, query.cursor));
  const rows = await db
    .select()
    .from(exportJobs)
    .where(and(...where))
    .orderBy(desc(exportJobs.createdAt), desc(exportJobs.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => [r.createdAt, r.id], exportView);
}

/** The finished file, streamed from R2, for a caller who may read its data. */
export async function exportFile(db: Database, bucket: R2Bucket, actor: Actor, id: string) {
  const job = await findReadable(db, actor, id);
  if (job.status !== "completed")
    throw notFound(job.status === "expired" ? "The file (it expired)" : "The file (not ready yet)");
  const object = await bucket.get(job.fileKey);
  if (!object) throw notFound("The file");
  return { job, object };
}

/** Marks an export failed (its message ran out of attempts) and records `export.failed`. */
export async function failExport(db: Database, id: string, error: string): Promise<void> {
  const [job] = await db.select().from(exportJobs).where(eq(exportJobs.id, id));
  if (!job || (job.status !== "queued" && job.status !== "running")) return;
  const guard = and(eq(exportJobs.id, id), eq(exportJobs.version, job.version));
  // The event goes first, on the update's own condition, so it is written exactly when the update lands.
  const [, updated] = await db.batch([
    eventInsertIf(
      db,
      {
        type: "export.failed",
        resourceType: "export",
        resourceId: id,
        data: { id, version: job.version + 1, type: job.type, error: error.slice(0, 500) },
      },
      sql`EXISTS (SELECT 1 FROM export_jobs WHERE id = ${id} AND version = ${job.version})`,
    ).statement,
    db
      .update(exportJobs)
      .set({ status: "failed", error: error.slice(0, 500), version: job.version + 1, updatedAt: nowIso() })
      .where(guard)
      .returning({ id: exportJobs.id }),
  ]);
  if (updated.length === 0) throw new Error(`export ${id} changed while failing it; retry`);
}

const STALLED_MS = 5 * 60 * 1000;

/** Cron: exports nobody has moved for five minutes (a lost message) are sent to the queue again. */
export async function resumeStalledExports(db: Database, jobs: Queue, now: number): Promise<void> {
  const stale = new Date(now - STALLED_MS).toISOString();
  const rows = await db
    .select({ id: exportJobs.id })
    .from(exportJobs)
    .where(and(inArray(exportJobs.status, ["queued", "running"]), lt(exportJobs.updatedAt, stale)))
    .limit(100);
  if (rows.length > 0) {
    await jobs.sendBatch(
      rows.map((r) => ({ body: { type: "export.run", export_id: r.id } satisfies ExportRunMessage })),
    );
  }
}

/** Cron: files past their seven days are deleted from R2 and their jobs marked expired. */
export async function expireExports(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  const rows = await db
    .select({ id: exportJobs.id, fileKey: exportJobs.fileKey })
    .from(exportJobs)
    .where(and(eq(exportJobs.status, "completed"), lte(exportJobs.expiresAt, new Date(now).toISOString())))
    .limit(100);
  if (rows.length === 0) return 0;
  await bucket.delete(rows.map((r) => r.fileKey));
  await db
    .update(exportJobs)
    .set({ status: "expired", updatedAt: nowIso() })
    .where(
      inArray(
        exportJobs.id,
        rows.map((r) => r.id),
      ),
    );
  return rows.length;
}
