/*
 * Customers: the accounts with the `customer` role, as staff see them,
 * with their order count, what they have spent and their last order. "Spent" is
 * what was paid and not refunded: orders that reached processing or later, less
 * their refunds; pending and cancelled orders count as orders but not as spending.
 * Orders are placed for active customers only.
 */
import { and, desc, eq, inArray, lt, max, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { inList, startsWith } from "../../db/lists";
import { orders, PAID_STATUSES, users } from "../../db/schema";
import { badRequest, forbidden, notFound } from "../../lib/errors";
import { decodeCursor, toPage } from "../../lib/pagination";

/** Who an order is for: a customer orders for themselves; staff and keys name an active customer. */
export async function orderingCustomer(
  db: Database,
  actor: Actor,
  customerId: string | undefined,
  required: boolean,
): Promise<string | null> {
  if (actor.kind === "user" && actor.role === "customer") {
    if (customerId !== undefined && customerId !== actor.id) throw forbidden("Customers order for themselves.");
    return actor.id;
  }
  if (customerId === undefined) {
    if (!required) return null;
    throw badRequest("Name the customer this order is for.", [{ path: "customer_id", message: "Required" }]);
  }
  const [user] = await db
    .select({ id: users.id, role: users.role, status: users.status })
    .from(users)
    .where(eq(users.id, customerId))
    .limit(1);
  if (user?.role !== "customer" || user.status !== "active") {
    throw badRequest("No active customer has this id.", [{ path: "customer_id", message: "Unknown customer" }]);
  }
  return user.id;
}

async function statsOf(db: Database, customerIds: string[]) {
  if (customerIds.length === 0) return new Map<string, { count: number; spent: number; lastAt: string | null }>();
  const rows = await db
    .select({
      customerId: orders.customerId,
      count: sql<number>`count(*)`,
      spent: sql<number>`coalesce(sum(CASE WHEN ${inArray(orders.status, [...PAID_STATUSES])} THEN ${orders.total} - ${orders.refundedTotal} ELSE 0 END), 0)`,
      lastAt: max(orders.createdAt),
    })
    .from(orders)
    .where(inList(orders.customerId, customerIds))
    .groupBy(orders.customerId);
  return new Map(rows.map((r) => [r.customerId ?? "", { count: r.count, spent: r.spent, lastAt: r.lastAt }]));
}

async function lastOrderOf(db: Database, customerId: string) {
  const [row] = await db
    .select({
      id: orders.id,
      status: orders.status,
      total: orders.total,
      currency: orders.currency,
      createdAt: orders.createdAt,
    })
    .from(orders)
    .where(eq(orders.customerId, customerId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(1);
  return row
    ? { id: row.id, status: row.status, total: row.total, currency: row.currency, created_at: row.createdAt }
    : null;
}

type UserRow = typeof users.$inferSelect;

function toCustomerView(user: UserRow, stats: { count: number; spent: number; lastAt: string | null } | undefined) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    status: user.status,
    created_at: user.createdAt,
    order_count: stats?.count ?? 0,
    total_spent: stats?.spent ?? 0,
    last_order_at: stats?.lastAt ?? null,
  };
}

export async function listCustomers(
  db: Database,
  query: { limit: number; cursor?: string | undefined; email?: string | undefined },
) {
  const where: SQL[] = [eq(users.role, "customer")];
  if (query.email) {
    where.push(startsWith(users.email, query.email.toLowerCase()));
  }
  if (query.cursor) where.push(lt(users.id, String(decodeCursor(query.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.id))
    .limit(query.limit + 1);
  const stats = await statsOf(
    db,
    rows.slice(0, query.limit).map((r) => r.id),
  );
  return toPage(
    rows,
    query.limit,
    (r) => [r.id],
    (r) => toCustomerView(r, stats.get(r.id)),
  );
}

export async function getCustomer(db: Database, id: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.role, "customer")))
    .limit(1);
  if (!user) throw notFound("Customer");
  const [stats, lastOrder] = await Promise.all([statsOf(db, [id]), lastOrderOf(db, id)]);
  return { ...toCustomerView(user, stats.get(id)), last_order: lastOrder };
}
