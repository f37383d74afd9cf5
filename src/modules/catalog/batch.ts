import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../db/client";
import { catalogState, catalogWriteGuard } from "../../db/schema";
import { conflict } from "../../lib/errors";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one D1 batch: one transaction, all or nothing. */
export async function runBatch(db: Database, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  return db.batch([first, ...rest]);
}

/**
 * A statement that aborts its whole batch unless `condition` holds when it runs.
 * Put it first, with the state the service validated against (status, version):
 * if a concurrent writer got there in between, nothing of this batch commits, not
 * even the unconditional outbox and audit inserts that follow it.
 */
export function guard(db: Database, condition: SQL): Statement {
  // INSERT … SELECT through the query builder: a raw `db.run` cannot join a D1 batch.
  return db.insert(catalogWriteGuard).select(sql`SELECT 0 WHERE NOT (${condition})`);
}

/** Whether a batch failed because its guard found the state changed underneath it. */
export function isGuardFailure(err: unknown): boolean {
  return errorText(err).includes("catalog_write_applied");
}

/** Whether a batch failed on a UNIQUE constraint naming `column` (e.g. `products.sku`). */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const text = errorText(err);
  return text.includes("UNIQUE constraint failed") && text.includes(column);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return errorText(err).includes("FOREIGN KEY constraint failed");
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(" | ");
}

/**
 * Bumps the storefront cache generation. Storefront cache keys include it, so every
 * cached storefront answer is bypassed from the moment this batch commits.
 */
export function bumpCatalogGeneration(db: Database): Statement {
  return db
    .update(catalogState)
    .set({ generation: sql`${catalogState.generation} + 1` })
    .where(sql`${catalogState.id} = 1`);
}

export async function readCatalogGeneration(db: Database): Promise<number> {
  const [row] = await db.select({ generation: catalogState.generation }).from(catalogState).limit(1);
  return row?.generation ?? 0;
}

const RACE_ATTEMPTS = 3;

/**
 * Runs a read-validate-write attempt again when its guard lost a race, so the rules
 * are checked against the state that actually won. An `If-Match` caller fails the
 * re-read with 412 instead, which is what makes concurrent edits of one version
 * end with exactly one winner.
 */
export async function retryOnRace<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isGuardFailure(err)) throw err;
      if (n >= RACE_ATTEMPTS) throw conflict("The resource is changing too fast; retry the request.");
    }
  }
}
