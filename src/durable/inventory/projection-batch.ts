import type { ProjectionBatch, StockStorage } from "./storage";

/*
 * The object's side of the D1 projection: a cursor over the ledger (meta `projected_seq`)
 * and the outbox of pending events. A batch takes the movements past the cursor and marks
 * the pending events with its flush id, so changes made while it is in flight queue new
 * events instead of editing sent ones; the cursor moves only once D1 has the batch.
 */

/** Which locations were in stock: when it differs from what D1 last showed, storefront caches refresh. */
function inStockSignature(batchLevel: ProjectionBatch["level"]): string {
  return batchLevel.locations
    .filter((l) => l.available > 0)
    .map((l) => l.location_id)
    .join(",");
}

export function takeProjectionBatch(store: StockStorage, limit: number): ProjectionBatch | null {
  const projectedSeq = Number(store.meta("projected_seq") ?? 0);
  const rows = store.exec("SELECT * FROM movements WHERE seq > ? ORDER BY seq LIMIT ?", projectedSeq, limit).toArray();
  const flushId = crypto.randomUUID();
  store.exec("UPDATE pending_events SET flush_id = ? WHERE flush_id IS NULL", flushId);
  const events = store
    .exec("SELECT id, type, data, created_at FROM pending_events WHERE flush_id = ? ORDER BY created_at", flushId)
    .toArray()
    .map((e) => ({
      id: String(e.id),
      type: String(e.type),
      created_at: String(e.created_at),
      data: JSON.parse(String(e.data)) as Record<string, unknown>,
    }));
  if (rows.length === 0 && events.length === 0 && store.meta("level_dirty") !== "1") return null;
  const level = store.level();
  return {
    flushId,
    movements: rows.map((row) => store.toMovement(row)),
    level,
    isLow: store.isLow(),
    inStockChanged: store.meta("projected_in_stock") !== inStockSignature(level),
    events,
    lastSeq: rows.length > 0 ? Number(rows.at(-1)?.seq) : projectedSeq,
  };
}

export function completeProjection(store: StockStorage, batch: ProjectionBatch): void {
  store.setMeta("projected_seq", batch.lastSeq);
  store.setMeta("flush_failures", 0);
  store.setMeta("level_dirty", 0);
  store.setMeta("projected_in_stock", inStockSignature(batch.level));
  store.exec("DELETE FROM pending_events WHERE flush_id = ?", batch.flushId);
}

/** A failed flush hands its events back, so the next attempt sends them with the same ids. */
export function abandonProjection(store: StockStorage, batch: ProjectionBatch): number {
  store.exec("UPDATE pending_events SET flush_id = NULL WHERE flush_id = ?", batch.flushId);
  const failures = Number(store.meta("flush_failures") ?? 0) + 1;
  store.setMeta("flush_failures", failures);
  return failures;
}
