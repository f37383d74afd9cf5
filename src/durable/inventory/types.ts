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

/** Reasons of state changes, transfers and dispatches (moves between buckets rather than in or out). */
export const STATE_REASONS = [
  "transfer_out",
  "transfer_in",
  "marked_damaged",
  "quarantined",
  "released_from_quarantine",
  "written_off",
  "dispatch",
  "dispatch_return",
] as const;

/** Every reason a ledger row can carry: adjustments, state changes, plus what holds and sales do. */
export const MOVEMENT_REASONS = [
  ...ADJUSTMENT_REASONS,
  ...STATE_REASONS,
  "reserved",
  "released",
  "expired",
  "sale",
  "restock",
] as const;
export type MovementReason = (typeof MOVEMENT_REASONS)[number];

export type ReservationState = "held" | "committed" | "released" | "expired";

/**
 * Where a unit can be at one location. `sellable` is on hand and in no other state; `damaged` and
 * `quarantine` are on hand too (subsets of on_hand); `out` has left on a returnable dispatch.
 */
export const UNIT_STATES = ["sellable", "damaged", "quarantine", "out"] as const;
export type UnitState = (typeof UNIT_STATES)[number];
/** A state change starts in a state or outside the product's stock (units arriving, e.g. returned). */
export type StateSource = UnitState | "external";
/** ...and ends in a state or leaves the stock for good. */
export type StateTarget = UnitState | "written_off";

/** The buckets kept per (product, location). */
export interface Buckets {
  on_hand: number;
  reserved: number;
  damaged: number;
  quarantine: number;
  safety_stock: number;
  incoming: number;
  out: number;
}
export type Bucket = keyof Buckets;

export interface LocationLevel extends Buckets {
  location_id: string;
  /** on_hand − reserved − damaged − quarantine − safety_stock, floored at 0: what can be sold. */
  available: number;
  version: number;
  updated_at: string | null;
}

/** A product's stock: totals over its locations, and each location's level. */
export interface StockLevel extends Buckets {
  product_id: string;
  available: number;
  /** Moves with every change at any location. */
  version: number;
  low_stock_threshold: number | null;
  updated_at: string | null;
  locations: LocationLevel[];
}

export interface Movement {
  id: string;
  seq: number;
  product_id: string;
  location_id: string;
  /** The operation (id of the adjust, state change, transfer step…) this movement belongs to. */
  operation_id: string;
  reason: MovementReason;
  delta_on_hand: number;
  delta_reserved: number;
  delta_damaged: number;
  delta_quarantine: number;
  delta_incoming: number;
  delta_out: number;
  /** The location's level after the movement. */
  on_hand: number;
  reserved: number;
  damaged: number;
  quarantine: number;
  incoming: number;
  out: number;
  version: number;
  reservation_id: string | null;
  reference: string | null;
  note: string | null;
  actor: string | null;
  created_at: string;
}

export interface Allocation {
  location_id: string;
  qty: number;
}

export interface Reservation {
  id: string;
  product_id: string;
  order_id: string | null;
  qty: number;
  state: ReservationState;
  /** Where the held units are, one entry per location. */
  allocations: Allocation[];
  expires_at: string;
  created_at: string;
  updated_at: string;
}

/** Refusals come back as values: errors thrown across RPC lose their type. */
export type Refusal =
  | {
      ok: false;
      code: "INSUFFICIENT_STOCK";
      requested: number;
      available: number;
      on_hand: number;
      reserved: number;
      location_id?: string | null;
      level?: LocationLevel | null;
    }
  | { ok: false; code: "VERSION_MISMATCH"; version: number; location_id?: string }
  | { ok: false; code: "RESERVATION_NOT_FOUND" }
  | { ok: false; code: "RESERVATION_NOT_HELD"; state: ReservationState }
  | { ok: false; code: "TRANSFER_CONFLICT"; detail: string; transfer: TransferLine | null }
  | { ok: false; code: "INVALID"; detail: string };

export type MovementResult = { ok: true; movement: Movement; level: StockLevel; replayed: boolean } | Refusal;
/** Operations that touch several locations (transfers) answer with every movement they made. */
export type OperationResult = { ok: true; movements: Movement[]; level: StockLevel; replayed: boolean } | Refusal;
export type ReservationResult = { ok: true; reservation: Reservation; level: StockLevel; replayed: boolean } | Refusal;

interface Attribution {
  note?: string | null;
  reference?: string | null;
  actor?: string | null;
}

export interface AdjustInput extends Attribution {
  movement_id: string;
  /** The default location when absent. */
  location_id?: string | null;
  delta: number;
  reason: AdjustmentReason;
}

export interface SetCountInput extends Attribution {
  movement_id: string;
  location_id?: string | null;
  on_hand: number;
  /** The location's version the count was taken against. */
  expected_version?: number | null;
}

export interface ChangeStateInput extends Attribution {
  movement_id: string;
  location_id?: string | null;
  from: StateSource;
  to: StateTarget;
  qty: number;
  /** Defaults from the pair (e.g. sellable→damaged is `marked_damaged`); `returned`, `found`… for arrivals. */
  reason?: MovementReason | null;
}

export interface ReserveInput {
  reservation_id: string;
  qty: number;
  ttl_seconds: number;
  order_id?: string | null;
  /**
   * Candidate locations in priority order. The whole qty comes from the first one that has
   * enough; only if none has, it is split across them in order. The default location when absent;
   * none at all when empty.
   */
  locations?: string[] | null;
}

export interface RestockInput {
  movement_id: string;
  location_id?: string | null;
  qty: number;
  reference?: string | null;
  actor?: string | null;
}

export interface SetSafetyStockInput {
  location_id: string;
  safety_stock: number;
}

export interface TransferLine {
  transfer_id: string;
  from_location_id: string;
  to_location_id: string;
  shipped: number;
  received: number;
  lost: number;
}

export interface ShipInput extends Attribution {
  /** One operation per (transfer, product): the id the ship is idempotent by. */
  movement_id: string;
  transfer_id: string;
  from_location_id: string;
  to_location_id: string;
  qty: number;
}

export interface ReceiveInput extends Attribution {
  movement_id: string;
  transfer_id: string;
  received: number;
  /** Units written off as lost in transit. */
  lost: number;
}

export interface LedgerQuery {
  limit: number;
  before_seq?: number | null;
  reasons?: MovementReason[];
  location_id?: string | null;
  from?: string | null;
  to?: string | null;
}
