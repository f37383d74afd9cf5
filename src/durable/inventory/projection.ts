import { sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import { stockLevels, stockMovements } from "../../db/schema";
import { bumpStorefrontGeneration } from "../../db/storefront-generation";
import { recordedEventInsert } from "../../modules/events";
import type { ProjectionBatch } from "./storage";

/**
 * Writes one slice of an object's ledger to D1 in one atomic batch. Every write is
 * idempotent (movements and events insert-or-ignore by id; the level only moves to a
 * newer version), so a batch retried after a crash, or two flushes overlapping, leave
 * the projection exactly as one successful flush would. When the product goes out of or
 * back into stock, the storefront's cache generation moves in the same batch, so shoppers
 * see it at once; other quantity changes show once cached pages expire.
 */
export async function writeProjection(d1: D1Database, batch: ProjectionBatch): Promise<void> {
  const db = createDb(d1);
  const now = new Date().toISOString();
  const level = batch.level;
  const statements = [
    ...batch.movements.map((m) =>
      db
        .insert(stockMovements)
        .values({
          id: m.id,
          productId: m.product_id,
          seq: m.seq,
          reason: m.reason,
          deltaOnHand: m.delta_on_hand,
          deltaReserved: m.delta_reserved,
          onHand: m.on_hand,
          reserved: m.reserved,
          version: m.version,
          reservationId: m.reservation_id,
          reference: m.reference,
          note: m.note,
          actor: m.actor,
          createdAt: m.created_at,
          projectedAt: now,
        })
        .onConflictDoNothing(),
    ),
    db
      .insert(stockLevels)
      .values({
        productId: level.product_id,
        onHand: level.on_hand,
        reserved: level.reserved,
        available: level.available,
        version: level.version,
        lowStockThreshold: level.low_stock_threshold,
        isLow: batch.isLow,
        updatedAt: level.updated_at ?? now,
        projectedAt: now,
      })
      .onConflictDoUpdate({
        target: stockLevels.productId,
        set: {
          onHand: level.on_hand,
          reserved: level.reserved,
          available: level.available,
          version: level.version,
          lowStockThreshold: level.low_stock_threshold,
          isLow: batch.isLow,
          updatedAt: level.updated_at ?? now,
          projectedAt: now,
        },
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
    ...(batch.inStockChanged ? [bumpStorefrontGeneration(db)] : []),
  ];
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
