import { sql } from "drizzle-orm";
import { guard, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";

/** The usual guard of an order batch: the order is still in the status and version the service read. */
export function orderGuard(db: Database, order: { id: string; status: string; version: number }): Statement {
  return guard(
    db,
    sql`EXISTS (SELECT 1 FROM orders WHERE id = ${order.id} AND status = ${order.status} AND version = ${order.version})`,
  );
}
