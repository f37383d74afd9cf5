import { sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { dailyLocationMovements, dailyStockMovements } from "../../db/schema";
import { dayIn } from "../../lib/days";
import type { Movement } from "./types";

/**
 * Adds a flush's movements to their day rows (day in the store's zone × product ×
 * location × reason, and the same summed over products), leaving out every movement D1
 * already has. Two statements whatever the number of movements (the list is one bound
 * JSON parameter), to go in the flush's batch BEFORE the movements' insert-or-ignore: a
 * retried or overlapping flush finds its movements there and adds nothing, so the
 * rollups count every projected movement exactly once.
 */
export function movementRollups(db: Database, timeZone: string, movements: Movement[]): Statement[] {
  if (movements.length === 0) return [];
  const list = JSON.stringify(
    movements.map((m) => ({
      id: m.id,
      day: dayIn(timeZone, m.created_at),
      product: m.product_id,
      location: m.location_id,
      reason: m.reason,
      in: Math.max(m.delta_on_hand, 0),
      out: Math.max(-m.delta_on_hand, 0),
    })),
  );
  const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);
  const fresh = sql`FROM json_each(${list}) j
    WHERE NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.id = ${field("id")})`;
  const sums = sql`count(*), sum(${field("in")}), sum(${field("out")})`;
  const added = (t: typeof dailyStockMovements | typeof dailyLocationMovements) => ({
    movements: sql`${t.movements} + excluded.movements`,
    unitsIn: sql`${t.unitsIn} + excluded.units_in`,
    unitsOut: sql`${t.unitsOut} + excluded.units_out`,
  });
  return [
    db
      .insert(dailyStockMovements)
      .select(
        sql`SELECT ${field("day")}, ${field("product")}, ${field("location")}, ${field("reason")}, ${sums} ${fresh} GROUP BY 1, 2, 3, 4`,
      )
      .onConflictDoUpdate({
        target: [
          dailyStockMovements.day,
          dailyStockMovements.productId,
          dailyStockMovements.locationId,
          dailyStockMovements.reason,
        ],
        set: added(dailyStockMovements),
      }),
    db
      .insert(dailyLocationMovements)
      .select(sql`SELECT ${field("day")}, ${field("location")}, ${field("reason")}, ${sums} ${fresh} GROUP BY 1, 2, 3`)
      .onConflictDoUpdate({
        target: [dailyLocationMovements.day, dailyLocationMovements.locationId, dailyLocationMovements.reason],
        set: added(dailyLocationMovements),
      }),
  ];
}
