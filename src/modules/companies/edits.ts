import type { SQL } from "drizzle-orm";
import { guard, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { preconditionFailed } from "../../lib/errors";
import { auditInsert, type RequestMeta } from "../audit";

interface Versioned {
  id: string;
  version: number;
  updatedAt: string;
}

export function checkVersion(current: { version: number }, expected: number | null): void {
  if (expected !== null && expected !== current.version) throw preconditionFailed();
}

/**
 * Writes an edited register row (company, project, drillhole, sample): guarded on the
 * version it was read at (plus any rule the caller needs re-checked inside the write),
 * with its before/after audit row in the same batch. `update` must bump the version.
 */
export async function saveEdit<R extends Versioned, V extends Record<string, unknown>>(
  db: Database,
  meta: RequestMeta,
  edit: {
    entityType: string;
    action: string;
    current: R;
    next: R;
    view: (row: R) => V;
    stillValid: SQL;
    update: Statement;
    mapError?: (err: unknown) => unknown;
  },
): Promise<V> {
  const before = edit.view(edit.current);
  const after = edit.view(edit.next);
  try {
    await runBatch(db, [
      guard(db, edit.stillValid),
      edit.update,
      auditInsert(db, meta, {
        action: edit.action,
        entityType: edit.entityType,
        entityId: edit.current.id,
        before,
        after,
      }),
    ]);
  } catch (err) {
    throw edit.mapError ? edit.mapError(err) : err;
  }
  return after;
}
