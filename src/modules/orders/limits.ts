/*
 * The store's limits on customer checkouts, against hoarding stock with unpaid holds:
 * a customer may hold at most `max_units_per_product_per_order` units of a product in
 * one order and have at most `max_open_orders_per_customer` unpaid orders at once.
 * Staff orders (for a customer, direct sales, the point of sale) are not limited: staff
 * are trusted to sell what a customer asks for at the counter.
 * The open-orders count is read before the stock is held (so a refused checkout usually
 * holds nothing) and checked again by a guard inside the order's batch, so racing
 * checkouts of one customer cannot all pass the read: the batches run one at a time and
 * each counts the orders committed before it.
 */
import { and, count, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type OrderStatus, orders } from "../../db/schema";
import { orderLimitReached } from "../../lib/errors";
import type { SettingsView } from "../settings";
import type { PricedLine } from "./lines";

/** Unpaid orders: they hold stock until they are paid or expire. */
const OPEN_STATUSES: OrderStatus[] = ["pending", "paying"];

export interface CheckoutLimits {
  customerId: string;
  maxOpenOrders: number;
  maxUnitsPerProduct: number;
}

export function checkoutLimits(settings: SettingsView, customerId: string): CheckoutLimits {
  return {
    customerId,
    maxOpenOrders: settings.max_open_orders_per_customer,
    maxUnitsPerProduct: settings.max_units_per_product_per_order,
  };
}

// The order being placed is left out, so a keyed retry of a committed order is not
// counted against itself and finds that order instead.
const openOrdersOf = (customerId: string, orderId: string) =>
  and(eq(orders.customerId, customerId), inArray(orders.status, OPEN_STATUSES), ne(orders.id, orderId));

/** The customer's unpaid orders other than this one, read alongside checkout's other reads. */
export async function countOpenOrders(db: Database, customerId: string, orderId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders).where(openOrdersOf(customerId, orderId));
  return row?.n ?? 0;
}

/** The check before holding stock, so a refused checkout holds nothing. */
export function assertWithinLimits(limits: CheckoutLimits, lines: PricedLine[], openOrders: number): void {
  const over = lines.find((l) => l.qty > limits.maxUnitsPerProduct);
  if (over) {
    throw orderLimitReached(
      `At most ${limits.maxUnitsPerProduct} units of a product per order; nothing was reserved.`,
      { limit: "max_units_per_product_per_order", value: limits.maxUnitsPerProduct, product_id: over.productId },
    );
  }
  if (openOrders >= limits.maxOpenOrders) throw openOrdersLimitReached(limits);
}

/** The condition the order's batch guards on (see `guard` in src/db/batch.ts). */
export function openOrdersBelowLimit(db: Database, limits: CheckoutLimits, orderId: string): SQL {
  const open = db.select({ n: count() }).from(orders).where(openOrdersOf(limits.customerId, orderId));
  return sql`(${open}) < ${limits.maxOpenOrders}`;
}

export function openOrdersLimitReached(limits: CheckoutLimits) {
  return orderLimitReached(
    `At most ${limits.maxOpenOrders} unpaid orders at once; pay or cancel one first. Nothing was reserved.`,
    { limit: "max_open_orders_per_customer", value: limits.maxOpenOrders },
  );
}
