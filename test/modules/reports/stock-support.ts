import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { inList } from "../../../src/db/lists";
import { dailyDispatches, dailyStockMovements, products, stockLocationLevels } from "../../../src/db/schema";
import { dayIn } from "../../../src/lib/days";
import { newId } from "../../../src/lib/ids";
import {
  type DispatchSource,
  recomputeDispatchRollups,
  recomputeMovementRollups,
  type SourceMovement,
} from "../../../src/modules/reports/recompute";
import { type ChangeStateInput, stockObject } from "../../../src/modules/stock";
import { db } from "../../support/db";
import { insertProduct } from "../../support/products";

async function all<T>(query: string, ...binds: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...binds)
      .all<T>()
  ).results;
}

/** A product with `unitCost` (or none), inserted straight into D1. */
export async function costedProduct(unitCost: number | null): Promise<string> {
  const product = await insertProduct();
  await db.update(products).set({ unitCost }).where(eq(products.id, product.id));
  return product.id;
}

export async function adjust(productId: string, locationId: string | null, delta: number): Promise<void> {
  const result = await stockObject(env.INVENTORY, productId).adjust({
    movement_id: newId("mov"),
    location_id: locationId,
    delta,
    reason: "received",
  });
  if (!result.ok) throw new Error(JSON.stringify(result));
}

export async function changeState(
  productId: string,
  input: Omit<ChangeStateInput, "product_id" | "movement_id">,
): Promise<void> {
  const result = await stockObject(env.INVENTORY, productId).changeState({
    movement_id: newId("mov"),
    ...input,
  });
  if (!result.ok) throw new Error(JSON.stringify(result));
}

/** Waits until the object's flush has projected the product's whole ledger to D1. */
export function projected(productId: string) {
  return vi.waitFor(
    async () => {
      const level = await stockObject(env.INVENTORY, productId).snapshot();
      const rows = await db.select().from(stockLocationLevels).where(eq(stockLocationLevels.productId, productId));
      const [count] = await all<{ n: number }>(
        "SELECT count(*) AS n FROM stock_movements WHERE product_id = ?",
        productId,
      );
      if (count?.n !== level.version || rows.length !== level.locations.length) throw new Error("not projected yet");
    },
    { timeout: 10_000, interval: 50 },
  );
}

const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

/** The movement rollup rows of these products, in the recomputation's shape and order. */
export async function storedMovementRollups(productIds: string[]) {
  const rows = await db.select().from(dailyStockMovements).where(inList(dailyStockMovements.productId, productIds));
  return byKey(
    rows.map((r) => ({
      day: r.day,
      product_id: r.productId,
      location_id: r.locationId,
      reason: r.reason,
      movements: r.movements,
      units_in: r.unitsIn,
      units_out: r.unitsOut,
    })),
    (r) => `${r.day}|${r.product_id}|${r.location_id}|${r.reason}`,
  );
}

/** What the backfill would write for these products, from their D1 ledger. */
export async function recomputedMovements(timeZone: string, productIds: string[]) {
  const movements = await all<SourceMovement>(
    "SELECT product_id, location_id, reason, delta_on_hand, created_at FROM stock_movements WHERE product_id IN (SELECT value FROM json_each(?))",
    JSON.stringify(productIds),
  );
  return recomputeMovementRollups(movements, (iso) => dayIn(timeZone, iso));
}

/** The dispatch rollup rows of one company. */
export async function storedDispatchRollups(companyId: string) {
  const rows = await db.select().from(dailyDispatches).where(eq(dailyDispatches.companyId, companyId));
  return byKey(
    rows.map((r) => ({
      day: r.day,
      company_id: r.companyId,
      project_id: r.projectId,
      dispatches: r.dispatches,
      lines: r.lines,
      units_dispatched: r.unitsDispatched,
      samples_dispatched: r.samplesDispatched,
      units_returned_good: r.unitsReturnedGood,
      units_returned_damaged: r.unitsReturnedDamaged,
      units_consumed: r.unitsConsumed,
      units_lost: r.unitsLost,
      samples_returned: r.samplesReturned,
      samples_consumed: r.samplesConsumed,
      completed: r.completed,
      turnaround_seconds: r.turnaroundSeconds,
    })),
    (r) => `${r.day}|${r.company_id}|${r.project_id}`,
  );
}

/** What the backfill would write for one company, from the dispatch tables as it reads them. */
export async function recomputedDispatches(timeZone: string, companyId: string) {
  const of = "(SELECT id FROM dispatches WHERE company_id = ?)";
  const source: DispatchSource = {
    dispatches: await all(
      "SELECT id, company_id, project_id, status, dispatched_at FROM dispatches WHERE company_id = ?",
      companyId,
    ),
    lines: await all(`SELECT dispatch_id, qty FROM dispatch_lines WHERE dispatch_id IN ${of}`, companyId),
    samples: await all(`SELECT dispatch_id FROM dispatch_samples WHERE dispatch_id IN ${of}`, companyId),
    returns: (
      await all<{ dispatch_id: string; created_at: string; stock: string; samples: string }>(
        `SELECT dispatch_id, created_at, stock, samples FROM dispatch_returns WHERE dispatch_id IN ${of}`,
        companyId,
      )
    ).map((r) => ({ ...r, stock: JSON.parse(r.stock), samples: JSON.parse(r.samples) })),
  };
  return recomputeDispatchRollups(source, (iso) => dayIn(timeZone, iso));
}

/**
 * The days, locations and reasons these products moved where the per-location movement
 * sum is missing or not the sum of the product rows there (one statement, so flushes by
 * other tests cannot fall between the two sides).
 */
export function driftedLocationSums(productIds: string[]) {
  const at = (alias: string) =>
    `${alias}.day = k.day AND ${alias}.location_id = k.location_id AND ${alias}.reason = k.reason`;
  return all<{ day: string; location_id: string; reason: string }>(
    `SELECT k.day, k.location_id, k.reason
     FROM (SELECT DISTINCT day, location_id, reason FROM daily_stock_movements
       WHERE product_id IN (SELECT value FROM json_each(?))) k
     WHERE (SELECT movements, units_in, units_out FROM daily_location_movements l WHERE ${at("l")})
       IS NOT (SELECT sum(movements), sum(units_in), sum(units_out) FROM daily_stock_movements f WHERE ${at("f")})`,
    JSON.stringify(productIds),
  );
}
