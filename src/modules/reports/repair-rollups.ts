import { eq, type SQL, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { insertRows } from "../../db/lists";
import { dailyLocationMovements, dailyStockMovements } from "../../db/schema";
import { dayIn } from "../../lib/days";
import type { Movement } from "../stock";
import { recomputeMovementRollups } from "./recompute";

const c = dailyLocationMovements;

/** A location row's day, location and reason is one of the product's movement rows. */
const keyOfProduct = (productId: string) =>
  sql`(${c.day}, ${c.locationId}, ${c.reason}) IN
    (SELECT day, location_id, reason FROM daily_stock_movements WHERE product_id = ${productId})`;

/** The sum of one column of `daily_stock_movements` over the products at the row's key. */
const summed = (column: string, others: SQL) =>
  sql`(SELECT coalesce(sum(f.${sql.raw(column)}), 0) FROM daily_stock_movements f
    WHERE f.day = ${c.day} AND f.location_id = ${c.locationId} AND f.reason = ${c.reason} ${others})`;

/**
 * Statements that rebuild one product's movement rollup from its whole ledger (its rows
 * counted what D1 had). The per-location sums it touches are set to the sum over products
 * again, first without the product's old rows and then with its new ones, so a sum that
 * had drifted from its products is exact afterwards too.
 */
export function rebuildMovementRollups(
  db: Database,
  productId: string,
  movements: Movement[],
  timeZone: string,
): Statement[] {
  const rows = recomputeMovementRollups(movements, (iso) => dayIn(timeZone, iso));
  const withoutProduct = sql`AND f.product_id <> ${productId}`;
  return [
    db
      .update(c)
      .set({
        movements: summed("movements", withoutProduct),
        unitsIn: summed("units_in", withoutProduct),
        unitsOut: summed("units_out", withoutProduct),
      })
      .where(keyOfProduct(productId)),
    db.delete(dailyStockMovements).where(eq(dailyStockMovements.productId, productId)),
    ...insertRows(
      db,
      dailyStockMovements,
      rows.map((r) => ({
        day: r.day,
        productId: r.product_id,
        locationId: r.location_id,
        reason: r.reason,
        movements: r.movements,
        unitsIn: r.units_in,
        unitsOut: r.units_out,
      })),
    ),
    db
      .insert(c)
      .select(sql`SELECT day, location_id, reason, 0, 0, 0 FROM daily_stock_movements WHERE product_id = ${productId}`)
      .onConflictDoNothing(),
    db
      .update(c)
      .set({
        movements: summed("movements", sql``),
        unitsIn: summed("units_in", sql``),
        unitsOut: summed("units_out", sql``),
      })
      .where(keyOfProduct(productId)),
  ];
}
