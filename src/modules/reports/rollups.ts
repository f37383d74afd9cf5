import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../db/client";
import { dailyLocationSales, dailyProductSales, dailySales } from "../../db/schema";
import { dayIn } from "../../lib/days";
import { type Allocation, refundedAt, soldAt } from "./location-split";

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
  /** Where the units were sold from. */
  allocations: Allocation[];
}

interface RefundedLine extends SoldLine {
  /** Units of the line refunded by earlier refunds. */
  refundedBefore: number;
}

/**
 * Adds the parts to the day's location rows: ONE statement whatever the number of lines
 * and locations (the parts, summed per location, are one bound JSON parameter).
 */
function locationRollup(
  db: Database,
  key: RollupKey,
  parts: { locationId: string; delta: ProductDelta }[],
): Statement[] {
  const sums = new Map<string, Record<(typeof PRODUCT_COLUMNS)[number], number>>();
  for (const { locationId, delta } of parts) {
    const sum = sums.get(locationId) ?? { unitsSold: 0, revenue: 0, unitsRefunded: 0, refundAmount: 0 };
    for (const c of PRODUCT_COLUMNS) sum[c] += delta[c] ?? 0;
    sums.set(locationId, sum);
  }
  if (sums.size === 0) return [];
  const list = JSON.stringify([...sums].map(([location, sum]) => ({ location, ...sum })));
  const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);
  const t = dailyLocationSales;
  return [
    db
      .insert(t)
      // `WHERE true`: without a WHERE, SQLite would read the upsert's ON CONFLICT as a join's ON.
      .select(
        sql`SELECT ${dayIn(key.timeZone, key.at)}, ${field("location")}, ${key.currency},
          ${sql.join(PRODUCT_COLUMNS.map(field), sql`, `)} FROM json_each(${list}) j WHERE true`,
      )
      .onConflictDoUpdate({
        target: [t.day, t.locationId, t.currency],
        set: Object.fromEntries(PRODUCT_COLUMNS.map((c) => [c, sql`${t[c]} + excluded.${sql.raw(t[c].name)}`])),
      }),
  ];
}

/** An order paid: its total into gross sales, each line's units and revenue into its product and locations. */
export function paidRollups(db: Database, key: RollupKey, total: number, lines: SoldLine[]): Statement[] {
  return [
    salesRollup(db, key, { ordersPaid: 1, grossSales: total, unitsSold: lines.reduce((s, l) => s + l.qty, 0) }),
    ...lines.map((l) => productRollup(db, key, l.productId, { unitsSold: l.qty, revenue: l.amount })),
    ...locationRollup(
      db,
      key,
      lines.flatMap((l) =>
        soldAt(l.allocations, l.amount).map((p) => ({
          locationId: p.location_id,
          delta: { unitsSold: p.units, revenue: p.amount },
        })),
      ),
    ),
  ];
}

/** A refund recorded: its amount, and each line's units and amount, into its product and locations. */
export function refundRollups(db: Database, key: RollupKey, amount: number, lines: RefundedLine[]): Statement[] {
  return [
    salesRollup(db, key, { refunds: amount, unitsRefunded: lines.reduce((s, l) => s + l.qty, 0) }),
    ...lines.map((l) => productRollup(db, key, l.productId, { unitsRefunded: l.qty, refundAmount: l.amount })),
    ...locationRollup(
      db,
      key,
      lines.flatMap((l) =>
        refundedAt(l.allocations, l.refundedBefore, l.qty, l.amount).map((p) => ({
          locationId: p.location_id,
          delta: { unitsRefunded: p.units, refundAmount: p.amount },
        })),
      ),
    ),
  ];
}
