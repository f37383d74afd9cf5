/*
 * Audit: every mutation of users, roles, keys (and later catalog, stock, orders)
 * leaves a row saying who did what to which entity, with before/after images stripped
 * of secrets. The row is built here but executed by the caller inside the same D1
 * batch as the change, so there is never a change without its audit row or the reverse.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Actor } from "../../context";
import { insertIf } from "../../db/batch";
import type { Database } from "../../db/client";
import { auditLogs } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";

/** What a service needs to know about the request that asked for a change. */
export interface RequestMeta {
  actor: Actor | null;
  requestId: string;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const SECRET_FIELDS = new Set(["passwordHash", "password_hash", "keyHash", "key_hash", "secret", "password"]);

function scrub(image: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!image) return null;
  return Object.fromEntries(Object.entries(image).filter(([k]) => !SECRET_FIELDS.has(k)));
}

function auditRow(meta: RequestMeta, entry: AuditEntry): typeof auditLogs.$inferSelect {
  return {
    id: newId("aud"),
    actorType: meta.actor ? meta.actor.kind : "system",
    actorId: meta.actor?.id ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: scrub(entry.before),
    after: scrub(entry.after),
    requestId: meta.requestId,
    ip: meta.ip,
    createdAt: nowIso(),
  };
}

/**
 * The insert for one audit row, to run in the caller's batch. With `onlyIf`, the row
 * is written only when that condition holds inside the batch (see `insertIf`), which
 * lets a guarded update and its audit row succeed or fail together.
 */
export function auditInsert(db: Database, meta: RequestMeta, entry: AuditEntry, onlyIf?: SQL) {
  const row = auditRow(meta, entry);
  return onlyIf ? insertIf(db, auditLogs, row, onlyIf) : db.insert(auditLogs).values(row);
}

// Eleven columns per row: nine rows per insert stay under D1's 100 bound parameters.
const ROWS_PER_INSERT = 9;

/**
 * The audit rows of a bulk change (one per entity), as few multi-row inserts: a batch of
 * a thousand entities must stay within D1's statements per invocation.
 */
export function auditInserts(db: Database, meta: RequestMeta, entries: AuditEntry[]) {
  return chunks(entries, ROWS_PER_INSERT).map((part) =>
    db.insert(auditLogs).values(part.map((e) => auditRow(meta, e))),
  );
}

export interface AuditFilter {
  limit: number;
  cursor?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
}

export async function listAuditLogs(db: Database, filter: AuditFilter) {
  const where: SQL[] = [];
  if (filter.entityType) where.push(eq(auditLogs.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditLogs.entityId, filter.entityId));
  if (filter.actorId) where.push(eq(auditLogs.actorId, filter.actorId));
  if (filter.action) where.push(eq(auditLogs.action, filter.action));
  if (filter.cursor) {
    const [id] = decodeCursor(filter.cursor, 1);
    where.push(lt(auditLogs.id, String(id)));
  }
  const rows = await db
    .select()
    .from(auditLogs)
    .where(and(...where))
    .orderBy(desc(auditLogs.id))
    .limit(filter.limit + 1);
  return toPage(
    rows,
    filter.limit,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      actor_type: r.actorType,
      actor_id: r.actorId,
      action: r.action,
      entity_type: r.entityType,
      entity_id: r.entityId,
      before: r.before,
      after: r.after,
      request_id: r.requestId,
      ip: r.ip,
      created_at: r.createdAt,
    }),
  );
}
