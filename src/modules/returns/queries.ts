import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { olderThanCursor } from "../../db/keyset";
import { returns } from "../../db/schema";
import { toPage } from "../../lib/pagination";
import type { ReturnListQuery, ReturnView } from "./schemas";
import { assertVisible, isCustomer, returnViews } from "./store";

export async function getReturn(db: Database, id: string, actor: Actor | null): Promise<ReturnView> {
  const [ret] = await db.select().from(returns).where(eq(returns.id, id)).limit(1);
  assertVisible(actor, ret);
  const [view] = await returnViews(db, [ret]);
  return view as ReturnView;
}

/** The returns of one order, oldest first (the caller has already checked the order is visible). */
export async function returnsOfOrder(db: Database, orderId: string): Promise<ReturnView[]> {
  const rows = await db
    .select()
    .from(returns)
    .where(eq(returns.orderId, orderId))
    .orderBy(asc(returns.createdAt), asc(returns.id));
  return returnViews(db, rows);
}

/** What an order shows of its returns (oldest first); the details are at `/v1/returns/{id}`. */
export function returnSummariesQuery(db: Database, orderId: string) {
  return db
    .select({ id: returns.id, status: returns.status, refundId: returns.refundId, createdAt: returns.createdAt })
    .from(returns)
    .where(eq(returns.orderId, orderId))
    .orderBy(asc(returns.createdAt), asc(returns.id));
}

type ReturnSummaryRow = Awaited<ReturnType<typeof returnSummariesQuery>>[number];

export function toReturnSummaries(rows: ReturnSummaryRow[]) {
  return rows.map((r) => ({ id: r.id, status: r.status, refund_id: r.refundId, created_at: r.createdAt }));
}

/** Newest first by (created_at, id). Customers are held to their own returns whatever they ask for. */
export async function listReturns(db: Database, actor: Actor, query: ReturnListQuery) {
  const where: SQL[] = [];
  const customerId = isCustomer(actor) ? actor.id : query.customer_id;
  if (customerId !== undefined) where.push(eq(returns.customerId, customerId));
  if (query.status) where.push(eq(returns.status, query.status));
  if (query.order_id) where.push(eq(returns.orderId, query.order_id));
  if (query.created_from) where.push(gte(returns.createdAt, new Date(query.created_from).toISOString()));
  if (query.created_to) where.push(lt(returns.createdAt, new Date(query.created_to).toISOString()));
  if (query.product_id) {
    where.push(
      sql`EXISTS (SELECT 1 FROM return_lines rl WHERE rl.return_id = ${returns.id} AND rl.product_id = ${query.product_id})`,
    );
  }
  if (query.cursor) where.push(olderThanCursor(returns.createdAt, returns.id, query.cursor));
  const rows = await db
    .select()
    .from(returns)
    .where(and(...where))
    .orderBy(desc(returns.createdAt), desc(returns.id))
    .limit(query.limit + 1);
  const page = toPage(
    rows,
    query.limit,
    (r) => [r.createdAt, r.id],
    (r) => r,
  );
  return { data: await returnViews(db, page.data), next_cursor: page.next_cursor };
}
