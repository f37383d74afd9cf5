import { sql } from "drizzle-orm";
import { insertIf } from "../../db/batch";
import type { Database } from "../../db/client";
import { dailyStockMovements } from "../../db/schema";
import { dayIn } from "../../lib/days";
import type { Movement } from "./types";

const t = dailyStockMovements;

/**
 * Adds one movement to its day's row (day in the store's zone × product × location ×
 * reason), unless D1 already has the movement. It goes in the flush's batch BEFORE the
 * movement's insert-or-ignore: a retried or overlapping flush finds the movement there
 * and adds nothing, so the rollup counts every projected movement exactly once.
 */
export function movementRollup(db: Database, timeZone: string, m: Movement) {
  const row = {
    day: dayIn(timeZone, m.created_at),
    productId: m.product_id,
    locationId: m.location_id,
    reason: m.reason,
    movements: 1,
    unitsIn: Math.max(m.delta_on_hand, 0),
    unitsOut: Math.max(-m.delta_on_hand, 0),
  };
  return insertIf(db, t, row, sql`NOT EXISTS (SELECT 1 FROM stock_movements WHERE id = ${m.id})`).onConflictDoUpdate({
    target: [t.day, t.productId, t.locationId, t.reason],
    set: {
      movements: sql`${t.movements} + excluded.movements`,
      unitsIn: sql`${t.unitsIn} + excluded.units_in`,
      unitsOut: sql`${t.unitsOut} + excluded.units_out`,
    },
  });
}
