import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../db/client";
import { dailyProductSales, dailySales } from "../../db/schema";
import { dayIn } from "../../lib/days";

type Statement = BatchItem<"sqlite">;

export interface SalesDelta {
  ordersCreated?: number;
  ordersPaid?: number;
  ordersCancelled?: number;
  grossSales?: number;
  refunds?: number;
  unitsSold?: number;
  unitsRefunded?: number;
}

export interface ProductDelta {
  unitsSold?: number;
  revenue?: number;
  unitsRefunded?: number;
  refundAmount?: number;
}

/** Where a change lands: the day (in the store's zone) of the instant it happened, and its currency. */
export interface RollupKey {
  timeZone: string;
  at: string;
  currency: string;
}

const SALES_COLUMNS = [
  "ordersCreated",
  "ordersPaid",
  "ordersCancelled",
  "grossSales",
  "refunds",
  "unitsSold",
  "unitsRefunded",
] as const;
const PRODUCT_COLUMNS = ["unitsSold", "revenue", "unitsRefunded", "refundAmount"] as const;

/** Adds the delta to the day's sales row (created on first use), to run in the caller's batch. */
export function salesRollup(db: Database, key: RollupKey, delta: SalesDelta): Statement {
  const values = Object.fromEntries(SALES_COLUMNS.map((c) => [c, delta[c] ?? 0]));
  const set = Object.fromEntries(SALES_COLUMNS.map((c) => [c, sql`${dailySales[c]} + ${delta[c] ?? 0}`]));
  return db
    .insert(dailySales)
    .values({ day: dayIn(key.timeZone, key.at), currency: key.currency, ...values })
    .onConflictDoUpdate({ target: [dailySales.day, dailySales.currency], set });
}

/** Adds the delta to the day's row of one product. */
export function productRollup(db: Database, key: RollupKey, productId: string, delta: ProductDelta): Statement {
  const values = Object.fromEntries(PRODUCT_COLUMNS.map((c) => [c, delta[c] ?? 0]));
  const set = Object.fromEntries(PRODUCT_COLUMNS.map((c) => [c, sql`${dailyProductSales[c]} + ${delta[c] ?? 0}`]));
  return db
    .insert(dailyProductSales)
    .values({ day: dayIn(key.timeZone, key.at), productId, currency: key.currency, ...values })
    .onConflictDoUpdate({
      target: [dailyProductSales.day, dailyProductSales.productId, dailyProductSales.currency],
      set,
    });
}

interface SoldLine {
  productId: string;
  qty: number;
  amount: number;
}

/** An order paid: its total into gross sales, each line's units and revenue into its product. */
export function paidRollups(db: Database, key: RollupKey, total: number, lines: SoldLine[]): Statement[] {
  return [
    salesRollup(db, key, { ordersPaid: 1, grossSales: total, unitsSold: lines.reduce((s, l) => s + l.qty, 0) }),
    ...lines.map((l) => productRollup(db, key, l.productId, { unitsSold: l.qty, revenue: l.amount })),
  ];
}

/** A refund recorded: its amount, and each line's units and amount. */
export function refundRollups(db: Database, key: RollupKey, amount: number, lines: SoldLine[]): Statement[] {
  return [
    salesRollup(db, key, { refunds: amount, unitsRefunded: lines.reduce((s, l) => s + l.qty, 0) }),
    ...lines.map((l) => productRollup(db, key, l.productId, { unitsRefunded: l.qty, refundAmount: l.amount })),
  ];
}
