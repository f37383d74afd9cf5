import type { StockStorage } from "./storage";
import type { Allocation, Reservation, ReservationState, TransferLine } from "./types";

/*
 * Holds and in-transit transfers, as the object stores them. A hold's units sit at one or
 * more locations (its allocations); a transfer line records what left its origin and how
 * much of it has since arrived or been written off.
 */

interface ReservationRow extends Record<string, SqlStorageValue> {
  id: string;
  order_id: string | null;
  qty: number;
  state: string;
  expires_at: number;
  created_at: string;
  updated_at: string;
}

export function reservationOf(store: StockStorage, id: string): Reservation | undefined {
  const row = store.one<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id);
  if (!row) return undefined;
  const allocations = store
    .exec("SELECT location_id, qty FROM reservation_allocations WHERE reservation_id = ? ORDER BY rowid", id)
    .toArray() as unknown as Allocation[];
  return {
    id: row.id,
    product_id: store.productId,
    order_id: row.order_id,
    qty: row.qty,
    state: row.state as ReservationState,
    allocations,
    expires_at: new Date(row.expires_at).toISOString(),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function insertReservation(
  store: StockStorage,
  hold: { id: string; orderId: string | null; state: ReservationState; expiresAt: number; allocations: Allocation[] },
): void {
  const now = new Date().toISOString();
  const qty = hold.allocations.reduce((sum, a) => sum + a.qty, 0);
  store.exec(
    "INSERT INTO reservations (id, order_id, qty, state, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    hold.id,
    hold.orderId,
    qty,
    hold.state,
    hold.expiresAt,
    now,
    now,
  );
  for (const a of hold.allocations) {
    store.exec(
      "INSERT INTO reservation_allocations (reservation_id, location_id, qty) VALUES (?, ?, ?)",
      hold.id,
      a.location_id,
      a.qty,
    );
  }
}

export function setReservationState(store: StockStorage, id: string, state: ReservationState): void {
  store.exec("UPDATE reservations SET state = ?, updated_at = ? WHERE id = ?", state, new Date().toISOString(), id);
}

/*
 * A tombstone guards against a reserve that arrives after the release meant to undo it (a
 * delayed RPC, or a checkout retried under its Idempotency-Key, which derives the same hold
 * ids). Keys live 24 hours, so past 25 hours nothing can still arrive for it.
 */
export const TOMBSTONE_KEEP_MS = 25 * 60 * 60 * 1000;
/** More than one per write, so a backlog shrinks while new tombstones keep coming. */
const TOMBSTONE_PRUNE_BATCH = 20;

/** Deletes up to a batch of tombstones older than TOMBSTONE_KEEP_MS (their `expires_at` is when they were left). */
export function pruneTombstones(store: StockStorage, now: number): void {
  store.exec(
    `DELETE FROM reservations WHERE id IN (SELECT id FROM reservations
      WHERE state = 'released' AND qty = 0 AND expires_at < ? ORDER BY expires_at LIMIT ?)`,
    now - TOMBSTONE_KEEP_MS,
    TOMBSTONE_PRUNE_BATCH,
  );
}

/** Held reservations whose time is up, oldest first. */
export function dueHolds(store: StockStorage, now: number, limit: number): string[] {
  return store
    .exec(
      "SELECT id FROM reservations WHERE state = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
      now,
      limit,
    )
    .toArray()
    .map((r) => String(r.id));
}

export function earliestHoldExpiry(store: StockStorage): number | null {
  const t = store.one<{ t: number | null }>("SELECT min(expires_at) AS t FROM reservations WHERE state = 'held'")?.t;
  return t ?? null;
}

export function transferLine(store: StockStorage, transferId: string): TransferLine | null {
  return (store.one("SELECT * FROM transfers WHERE transfer_id = ?", transferId) as TransferLine | undefined) ?? null;
}

export function insertTransferLine(store: StockStorage, line: Omit<TransferLine, "received" | "lost">): void {
  store.exec(
    "INSERT INTO transfers (transfer_id, from_location_id, to_location_id, shipped) VALUES (?, ?, ?, ?)",
    line.transfer_id,
    line.from_location_id,
    line.to_location_id,
    line.shipped,
  );
}

export function recordReceipt(store: StockStorage, transferId: string, received: number, lost: number): void {
  store.exec(
    "UPDATE transfers SET received = received + ?, lost = lost + ? WHERE transfer_id = ?",
    received,
    lost,
    transferId,
  );
}
