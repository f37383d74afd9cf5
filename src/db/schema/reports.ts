import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Daily rollups: written in the same D1 batch as the change that moves them (by the
 * orders module, with the statements src/modules/reports/index.ts exports), keyed by
 * the day in the store's time zone, so a report over a year reads one row per day and
 * series. Money is in minor units of `currency`. `npm run reports:backfill` rebuilds them from the
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

/**
 * The same by the location the units were sold from (the line's allocations once paid):
 * a line over several locations is split by units (a refund after the units earlier
 * refunds of the line took back), its money in proportion with the parts summing
 * exactly to the line (src/modules/reports/location-split.ts), so the rows of a day
 * sum to its product rows.
 */
export const dailyLocationSales = sqliteTable(
  "daily_location_sales",
  {
    day: text("day").notNull(),
    locationId: text("location_id").notNull(),
    currency: text("currency").notNull(),
    unitsSold: integer("units_sold").notNull().default(0),
    revenue: integer("revenue").notNull().default(0),
    unitsRefunded: integer("units_refunded").notNull().default(0),
    refundAmount: integer("refund_amount").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.locationId, t.currency] })],
);

/**
 * How many orders are in each status now: moved by every status change (checkout and
 * `transitionStatements` in the orders module), in the same batch, so the dashboard
 * reads one row per status instead of counting every order.
 */
export const orderStatusTotals = sqliteTable("order_status_totals", {
  status: text("status").primaryKey(),
  orders: integer("orders").notNull().default(0),
});

/**
 * The orders placed each day (the day of `created_at`), by their current status: a
 * status change moves the order from one row of its day to another. `total` is the
 * orders' totals (tax included).
 */
export const dailyOrderStatus = sqliteTable(
  "daily_order_status",
  {
    day: text("day").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    orders: integer("orders").notNull().default(0),
    total: integer("total").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency, t.status] })],
);

/** Orders fulfilled (completed) each day, and the seconds from payment to fulfilment, summed. */
export const dailyFulfilment = sqliteTable(
  "daily_fulfilment",
  {
    day: text("day").notNull(),
    currency: text("currency").notNull(),
    ordersFulfilled: integer("orders_fulfilled").notNull().default(0),
    fulfilmentSeconds: integer("fulfilment_seconds").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.currency] })],
);

/** Per customer and day: orders paid, their totals, and refunds recorded (tax included). */
export const dailyCustomerSales = sqliteTable(
  "daily_customer_sales",
  {
    day: text("day").notNull(),
    customerId: text("customer_id").notNull(),
    currency: text("currency").notNull(),
    ordersPaid: integer("orders_paid").notNull().default(0),
    grossSales: integer("gross_sales").notNull().default(0),
    refunds: integer("refunds").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.customerId, t.currency] })],
);

/** The day of each customer's first paid order (any currency): new versus returning customers. */
export const customerFirstPaid = sqliteTable(
  "customer_first_paid",
  {
    customerId: text("customer_id").primaryKey(),
    day: text("day").notNull(),
  },
  (t) => [index("customer_first_paid_day").on(t.day)],
);
