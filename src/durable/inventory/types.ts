/** Reasons a person or integration may give for an adjustment. */
export const ADJUSTMENT_REASONS = [
  "received",
  "correction",
  "damaged",
  "lost",
  "found",
  "returned",
  "cycle_count",
  "other",
] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** Every reason a ledger row can carry: adjustments plus what holds and sales do. */
export const MOVEMENT_REASONS = [...ADJUSTMENT_REASONS, "reserved", "released", "expired", "sale", "restock"] as const;
export type MovementReason = (typeof MOVEMENT_REASONS)[number];

export type ReservationState = "held" | "committed" | "released" | "expired";

export interface StockLevel {
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  version: number;
  low_stock_threshold: number | null;
  updated_at: string | null;
}

export interface Movement {
  id: string;
  seq: number;
  product_id: string;
  reason: MovementReason;
  delta_on_hand: number;
  delta_reserved: number;
  on_hand: number;
  reserved: number;
  version: number;
  reservation_id: string | null;
  reference: string | null;
  note: string | null;
  actor: string | null;
  created_at: string;
}

export interface Reservation {
  id: string;
  product_id: string;
  order_id: string | null;
  qty: number;
  state: ReservationState;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

/** Refusals come back as values: errors thrown across RPC lose their type. */
export type Refusal =
  | { ok: false; code: "INSUFFICIENT_STOCK"; requested: number; available: number; on_hand: number; reserved: number }
  | { ok: false; code: "VERSION_MISMATCH"; version: number }
  | { ok: false; code: "RESERVATION_NOT_FOUND" }
  | { ok: false; code: "RESERVATION_NOT_HELD"; state: ReservationState }
  | { ok: false; code: "INVALID"; detail: string };

export type MovementResult = { ok: true; movement: Movement; level: StockLevel; replayed: boolean } | Refusal;
export type ReservationResult = { ok: true; reservation: Reservation; level: StockLevel; replayed: boolean } | Refusal;

export interface AdjustInput {
  product_id: string;
  movement_id: string;
  delta: number;
  reason: AdjustmentReason;
  note?: string | null;
  reference?: string | null;
  actor?: string | null;
}

export interface SetCountInput {
  product_id: string;
  movement_id: string;
  on_hand: number;
  expected_version?: number | null;
  note?: string | null;
  actor?: string | null;
}

export interface ReserveInput {
  product_id: string;
  reservation_id: string;
  qty: number;
  ttl_seconds: number;
  order_id?: string | null;
}

export interface RestockInput {
  product_id: string;
  movement_id: string;
  qty: number;
  reference?: string | null;
  actor?: string | null;
}

export interface LedgerQuery {
  limit: number;
  before_seq?: number | null;
  reasons?: MovementReason[];
  from?: string | null;
  to?: string | null;
}
