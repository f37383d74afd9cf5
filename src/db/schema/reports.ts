import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Daily rollups: written in the same D1 batch as the change that moves them (by the
 * orders module, through src/modules/reports/rollups.ts), keyed by the day in the
 * store's time zone, so a report over a year reads one row per day and series. Money
 * is in minor units of `currency`. `npm run reports:backfill` rebuilds them from the
 * source tables (after a time-zone change, for instance).
 */
export const dailySales = sqliteTable(
  "daily_sales",
  {
    day: text("day").notNull(),
    currency: text("currency").notNull(),
    ordersCreated: integer("orders_created").notNull().default(0),
    ordersPaid: integer("orders_paid").notNull().default(0),
    ordersCancelled: integer("orders_cancelled").notNull().default(0),
    /** Totals (tax included) of the orders paid that day. */
    grossSales: integer("gross_sales").notNull().default(0),
    /** Amounts (tax included) of the refunds recorded that day. */
    refunds: integer("refunds").notNull().default(0),
    unitsSold: integer("units_sold").notNull().default(0),
    unitsRefunded: integer("units_refunded").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency] })],
);

export const dailyProductSales = sqliteTable(
  "daily_product_sales",
  {
    day: text("day").notNull(),
    productId: text("product_id").notNull(),
    currency: text("currency").notNull(),
    unitsSold: integer("units_sold").notNull().default(0),
    /** Line totals (before tax) of the units paid that day. */
    revenue: integer("revenue").notNull().default(0),
    unitsRefunded: integer("units_refunded").notNull().default(0),
    /** Refunded line amounts (before tax). */
    refundAmount: integer("refund_amount").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.productId, t.currency] })],
);
