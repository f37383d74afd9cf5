import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Daily rollups of stock and dispatches, keyed by the day in the store's time zone like
 * `daily_sales`. `daily_stock_movements` (and its sum over products,
 * `daily_location_movements`) is written by the stock objects' flush in the batch that
 * projects the movements (a movement already in D1 adds nothing, so a retried flush
 * counts once); `daily_dispatches` by the dispatch and return batches. Reports
 * read them instead of the ledger; `npm run reports:backfill` rebuilds them.
 */
export const dailyStockMovements = sqliteTable(
  "daily_stock_movements",
  {
    day: text("day").notNull(),
    productId: text("product_id").notNull(),
    locationId: text("location_id").notNull(),
    reason: text("reason").notNull(),
    movements: integer("movements").notNull().default(0),
    /** Units that came on hand (the positive on-hand deltas). */
    unitsIn: integer("units_in").notNull().default(0),
    /** Units that left on hand (the negative on-hand deltas, as a positive number). */
    unitsOut: integer("units_out").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.productId, t.locationId, t.reason] }),
    // A repair rebuilds one product's rows.
    index("daily_stock_movements_product").on(t.productId, t.day),
  ],
);

/**
 * The same without the product, kept equal to the sum of `daily_stock_movements` over
 * products (same batches): a year of movements by reason is a few rows a day to read.
 */
export const dailyLocationMovements = sqliteTable(
  "daily_location_movements",
  {
    day: text("day").notNull(),
    locationId: text("location_id").notNull(),
    reason: text("reason").notNull(),
    movements: integer("movements").notNull().default(0),
    unitsIn: integer("units_in").notNull().default(0),
    unitsOut: integer("units_out").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.locationId, t.reason] })],
);

export const dailyDispatches = sqliteTable(
  "daily_dispatches",
  {
    day: text("day").notNull(),
    companyId: text("company_id").notNull(),
    /** '' for dispatches without a project (a key column cannot be null). */
    projectId: text("project_id").notNull(),
    dispatches: integer("dispatches").notNull().default(0),
    lines: integer("lines").notNull().default(0),
    unitsDispatched: integer("units_dispatched").notNull().default(0),
    samplesDispatched: integer("samples_dispatched").notNull().default(0),
    unitsReturnedGood: integer("units_returned_good").notNull().default(0),
    unitsReturnedDamaged: integer("units_returned_damaged").notNull().default(0),
    unitsConsumed: integer("units_consumed").notNull().default(0),
    unitsLost: integer("units_lost").notNull().default(0),
    samplesReturned: integer("samples_returned").notNull().default(0),
    samplesConsumed: integer("samples_consumed").notNull().default(0),
    /** Dispatches whose return that day left nothing out. */
    completed: integer("completed").notNull().default(0),
    /** Seconds from sent to that last return, summed over `completed`. */
    turnaroundSeconds: integer("turnaround_seconds").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.companyId, t.projectId] })],
);
