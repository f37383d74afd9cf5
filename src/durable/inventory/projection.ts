import { sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import { stockLevels, stockLocationLevels, stockMovements } from "../../db/schema";
import { storefrontChanged } from "../../lib/storefront-stamps";
import { recordedEventInsert } from "../../modules/events";
import { getSettings } from "../../modules/settings";
import { movementRollups } from "./movement-rollup";
import type { ProjectionBatch } from "./storage";
import type { Buckets, Movement } from "./types";

/**
 * Writes one slice of an object's ledger to D1 in one atomic batch: its movements (and
 * their daily rollup rows), each location's level and the product's total. Every write is idempotent (movements and
 * events insert-or-ignore by id; levels only move to a newer version), so a batch retried after a crash, or two flushes overlapping, leave
 * the projection exactly as one successful flush would. When the product goes out of or
 * back into stock, the storefront's stamps for it move once the batch has committed, so
 * shoppers see it at once; other quantity changes show once cached pages expire.
 */
export async function writeProjection(d1: D1Database, batch: ProjectionBatch): Promise<void> {
  const db = createDb(d1);
  const now = new Date().toISOString();
  const level = batch.level;
  const total = {
    ...bucketsOf(level),
    version: level.version,
    lowStockThreshold: level.low_stock_threshold,
    isLow: batch.isLow,
    updatedAt: level.updated_at ?? now,
    projectedAt: now,
  };
  const { time_zone: timeZone } = await getSettings(db);
  const statements = [
    // Before the movements' inserts: the rollups count only movements not in D1 yet.
    ...movementRollups(db, timeZone, batch.movements),
    ...batch.movements.map((m) => db.insert(stockMovements).values(movementRow(m, now)).onConflictDoNothing()),
    ...level.locations.map((l) => {
      const row = { ...bucketsOf(l), version: l.version, updatedAt: l.updated_at ?? now, projectedAt: now };
      return db
        .insert(stockLocationLevels)
        .values({ productId: level.product_id, locationId: l.location_id, ...row })
        .onConflictDoUpdate({
          target: [stockLocationLevels.productId, stockLocationLevels.locationId],
          set: row,
          setWhere: sql`excluded.version >= ${stockLocationLevels.version}`,
        });
    }),
    db
      .insert(stockLevels)
      .values({ productId: level.product_id, ...total })
      .onConflictDoUpdate({
        target: stockLevels.productId,
        set: total,
        setWhere: sql`excluded.version >= ${stockLevels.version}`,
      }),
    ...batch.events.map((e) =>
      recordedEventInsert(db, {
        id: e.id,
        createdAt: e.created_at,
        type: e.type,
        resourceType: "product",
        resourceId: level.product_id,
        data: e.data,
      }),
    ),
  ];
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  // Shoppers see in stock or not; the exact count may lag until the next change of either.
  if (batch.inStockChanged) await storefrontChanged({ productIds: [level.product_id] });
}

function bucketsOf(b: Buckets & { available: number }) {
  return {
    onHand: b.on_hand,
    reserved: b.reserved,
    damaged: b.damaged,
    quarantine: b.quarantine,
    safetyStock: b.safety_stock,
    incoming: b.incoming,
    out: b.out,
    available: b.available,
  };
}

/** A ledger movement as its D1 row (the flush and the reconciliation's repair write the same). */
export function movementRow(m: Movement, projectedAt: string): typeof stockMovements.$inferInsert {
  return {
    id: m.id,
    productId: m.product_id,
    locationId: m.location_id,
    operationId: m.operation_id,
    seq: m.seq,
    reason: m.reason,
    deltaOnHand: m.delta_on_hand,
    deltaReserved: m.delta_reserved,
    deltaDamaged: m.delta_damaged,
    deltaQuarantine: m.delta_quarantine,
    deltaIncoming: m.delta_incoming,
    deltaOut: m.delta_out,
    onHand: m.on_hand,
    reserved: m.reserved,
    damaged: m.damaged,
    quarantine: m.quarantine,
    incoming: m.incoming,
    out: m.out,
    version: m.version,
    reservationId: m.reservation_id,
    reference: m.reference,
    note: m.note,
    actor: m.actor,
    createdAt: m.created_at,
    projectedAt,
  };
}
