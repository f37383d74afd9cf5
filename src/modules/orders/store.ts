import { asc, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isUniqueViolation } from "../../db/batch";
import type { Database } from "../../db/client";
import { orderLines, orders } from "../../db/schema";
import type { InventoryDO } from "../../durable/inventory/object";
import { notFound } from "../../lib/errors";
import type { RequestMeta } from "../audit";
import { type PaymentProviders, paymentProviders } from "../payments";
import type { OrderFlowBinding } from "./flow-contract";

export type OrderRow = typeof orders.$inferSelect;
export type LineRow = typeof orderLines.$inferSelect;

/** What the order services work with: D1, the stock objects, the payment providers and the orders' workflow. */
export interface OrderDeps {
  db: Database;
  objects: DurableObjectNamespace<InventoryDO>;
  payments: PaymentProviders;
  flow: OrderFlowBinding;
}

export interface LoadedOrder {
  order: OrderRow;
  lines: LineRow[];
}

/** The order's row (0 or 1), as a query to await or to put in a batch. */
export const orderQuery = (db: Database, id: string) => db.select().from(orders).where(eq(orders.id, id)).limit(1);

/** The order's lines in order, as a query to await or to put in a batch. */
export const linesQuery = (db: Database, orderId: string) =>
  db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.position));

export async function findOrder(db: Database, id: string): Promise<OrderRow | undefined> {
  const [order] = await orderQuery(db, id);
  return order;
}

/** The order a direct sale created under this sale key (`<caller> <Idempotency-Key>`), if any. */
export async function findOrderBySaleKey(db: Database, saleKey: string): Promise<OrderRow | undefined> {
  const [order] = await db.select().from(orders).where(eq(orders.saleKey, saleKey)).limit(1);
  return order;
}

/** Whether placing an order failed because another request already took its sale key. */
export function isDuplicateSaleKey(err: unknown): boolean {
  return isUniqueViolation(err, orders, "orders_sale_key");
}

export async function linesOf(db: Database, orderId: string): Promise<LineRow[]> {
  return linesQuery(db, orderId);
}

/** Customers only ever see their own orders; anyone else's is "not found", so ids leak nothing. */
export function assertVisible(actor: Actor | null, order: OrderRow | undefined): asserts order is OrderRow {
  if (!order) throw notFound("Order");
  if (actor?.kind === "user" && actor.role === "customer" && order.customerId !== actor.id) throw notFound("Order");
}

export async function loadOrder(db: Database, id: string, actor: Actor | null): Promise<LoadedOrder> {
  const order = await findOrder(db, id);
  assertVisible(actor, order);
  return { order, lines: await linesOf(db, id) };
}

export function isCustomer(actor: Actor | null): boolean {
  return actor?.kind === "user" && actor.role === "customer";
}

/** The meta of work the system does on its own (the order flow, the pipeline): audit rows say `system`. */
export function systemMeta(requestId: string): RequestMeta {
  return { actor: null, requestId, ip: null };
}

/** The deps from the worker's bindings, for routes, queue consumers and crons alike. */
export function orderDeps(env: Env, db: Database): OrderDeps {
  return { db, objects: env.INVENTORY, payments: paymentProviders(env), flow: env.ORDER_FLOW };
}
