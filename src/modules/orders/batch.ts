import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../db/client";
import { orderWriteGuard } from "../../db/schema";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one D1 batch: one transaction, all or nothing. */
export async function runBatch(db: Database, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (first === undefined) return [];
  return db.batch([first, ...rest]);
}

/**
 * A statement that aborts its whole batch unless `condition` holds when it runs. Put
 * it first, with the state the service decided on: if a concurrent writer changed it,
 * nothing of the batch commits, not even the outbox and audit inserts after it.
 */
export function writeGuard(db: Database, condition: SQL): Statement {
  // A query builder, not `db.run`: drizzle cannot put a raw statement with parameters in a D1 batch.
  return db.insert(orderWriteGuard).select(sql`SELECT 0 WHERE NOT (${condition})`);
}

/** The usual guard: the order is still in the status and version the service read. */
export function orderGuard(db: Database, order: { id: string; status: string; version: number }): Statement {
  return writeGuard(
    db,
    sql`EXISTS (SELECT 1 FROM orders WHERE id = ${order.id} AND status = ${order.status} AND version = ${order.version})`,
  );
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) parts.push(e.message);
  return parts.join(" | ");
}

/** Whether a batch failed because its guard found the state changed underneath it. */
export function isGuardFailure(err: unknown): boolean {
  return errorText(err).includes("order_write_applied");
}

/** Whether a batch failed on a UNIQUE constraint naming `column` (e.g. `invoices.order_id`). */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const text = errorText(err);
  return text.includes("UNIQUE constraint failed") && text.includes(column);
}
