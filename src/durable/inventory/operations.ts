import { DEFAULT_LOCATION_ID } from "../../db/schema/locations";
import { type Deltas, keepsInvariant, withDeltas } from "./levels";
import {
  insertReservation,
  insertTransferLine,
  recordReceipt,
  reservationOf,
  setReservationState,
  transferLine,
} from "./records";
import type { Change, StockStorage } from "./storage";
import type {
  Allocation,
  ChangeStateInput,
  LocationLevel,
  Movement,
  MovementReason,
  ReceiveInput,
  Refusal,
  ReserveInput,
  ShipInput,
  StateSource,
  StateTarget,
} from "./types";

/*
 * The object's operations, as synchronous storage work: the object runs each inside one
 * `transactionSync`, so it sees and leaves a consistent level. Each checks the invariant on
 * the level it would leave and refuses as a value (changing nothing) if it would break it.
 */

export function insufficient(requested: number, level: LocationLevel, available = level.available): Refusal {
  return {
    ok: false,
    code: "INSUFFICIENT_STOCK",
    requested,
    available,
    on_hand: level.on_hand,
    reserved: level.reserved,
    location_id: level.location_id,
    level,
  };
}

export function invalid(detail: string): Refusal {
  return { ok: false, code: "INVALID", detail };
}

export function locationOf(locationId: string | null | undefined): string {
  return locationId || DEFAULT_LOCATION_ID;
}

/** Applies a change only if the location's level keeps the invariant afterwards. */
export function applyChecked(store: StockStorage, change: Change, requested: number): Movement | Refusal {
  const level = store.locationLevel(change.locationId);
  if (!keepsInvariant(withDeltas(level, change.deltas))) return insufficient(requested, level);
  return store.apply(change);
}

/** What one unit in each state counts in the buckets; a state change moves qty × (to − from). */
const STATE_VECTORS: Record<StateSource | StateTarget, Deltas> = {
  sellable: { on_hand: 1 },
  damaged: { on_hand: 1, damaged: 1 },
  quarantine: { on_hand: 1, quarantine: 1 },
  out: { out: 1 },
  external: {},
  written_off: {},
};

function defaultReason(from: StateSource, to: StateTarget): MovementReason {
  if (from === "external") return "returned";
  if (from === "out") return "dispatch_return";
  if (to === "out") return "dispatch";
  if (to === "written_off") return "written_off";
  if (to === "damaged") return "marked_damaged";
  if (to === "quarantine") return "quarantined";
  return from === "quarantine" ? "released_from_quarantine" : "correction";
}

export function stateDeltas(from: StateSource, to: StateTarget, qty: number): Deltas {
  const deltas: Deltas = {};
  for (const bucket of ["on_hand", "damaged", "quarantine", "out"] as const) {
    const d = ((STATE_VECTORS[to][bucket] ?? 0) - (STATE_VECTORS[from][bucket] ?? 0)) * qty;
    if (d !== 0) deltas[bucket] = d;
  }
  return deltas;
}

export function changeState(store: StockStorage, input: ChangeStateInput): Movement | Refusal {
  if (input.from === input.to) return invalid("from and to must differ");
  if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
  return applyChecked(
    store,
    {
      locationId: locationOf(input.location_id),
      operationId: input.movement_id,
      movementId: input.movement_id,
      reason: input.reason ?? defaultReason(input.from, input.to),
      deltas: stateDeltas(input.from, input.to, input.qty),
      note: input.note ?? null,
      reference: input.reference ?? null,
      actor: input.actor ?? null,
    },
    input.qty,
  );
}

/**
 * Where a hold's units come from: the first candidate with enough for the whole qty, or,
 * when none has, as much as each has in candidate order. A refusal if all of them together are short.
 */
function allocate(store: StockStorage, input: ReserveInput): Allocation[] | Refusal {
  const candidates = [...new Set(input.locations ?? [DEFAULT_LOCATION_ID])];
  const levels = candidates.map((id) => store.locationLevel(id));
  const whole = levels.find((l) => l.available >= input.qty);
  if (whole) return [{ location_id: whole.location_id, qty: input.qty }];
  const total = levels.reduce((sum, l) => sum + l.available, 0);
  if (total < input.qty) {
    const first = levels[0] ?? store.locationLevel(DEFAULT_LOCATION_ID);
    return {
      ...(insufficient(input.qty, first, total) as Refusal & { code: "INSUFFICIENT_STOCK" }),
      location_id: levels.length === 1 ? first.location_id : null,
      on_hand: levels.reduce((sum, l) => sum + l.on_hand, 0),
      reserved: levels.reduce((sum, l) => sum + l.reserved, 0),
      level: levels.length === 1 ? first : null,
    };
  }
  const allocations: Allocation[] = [];
  let left = input.qty;
  for (const l of levels) {
    const take = Math.min(left, l.available);
    if (take > 0) allocations.push({ location_id: l.location_id, qty: take });
    left -= take;
  }
  return allocations;
}

export function reserve(store: StockStorage, input: ReserveInput, expiresAt: number): Refusal | null {
  const allocations = allocate(store, input);
  if (!Array.isArray(allocations)) return allocations;
  insertReservation(store, {
    id: input.reservation_id,
    orderId: input.order_id ?? null,
    state: "held",
    expiresAt,
    allocations,
  });
  for (const a of allocations) {
    store.apply({
      locationId: a.location_id,
      operationId: input.reservation_id,
      reason: "reserved",
      deltas: { reserved: a.qty },
      reservationId: input.reservation_id,
      reference: input.order_id ?? null,
    });
  }
  return null;
}

/** Ends a held reservation: a sale takes its units off the shelf, a release or expiry frees them. */
export function endHold(
  store: StockStorage,
  reservationId: string,
  outcome: "sale" | "released" | "expired",
  attribution: { actor?: string | null; note?: string | null } = {},
): void {
  const reservation = reservationOf(store, reservationId);
  if (!reservation) return;
  setReservationState(store, reservationId, outcome === "sale" ? "committed" : outcome);
  for (const a of reservation.allocations) {
    store.apply({
      locationId: a.location_id,
      operationId: reservationId,
      reason: outcome,
      deltas: outcome === "sale" ? { on_hand: -a.qty, reserved: -a.qty } : { reserved: -a.qty },
      reservationId,
      reference: reservation.order_id,
      actor: attribution.actor ?? null,
      note: attribution.note ?? (outcome === "expired" ? "expired" : null),
    });
  }
}

function transferConflict(detail: string, line: ReturnType<typeof transferLine>): Refusal {
  return { ok: false, code: "TRANSFER_CONFLICT", detail, transfer: line };
}

/** Ship: units leave `on_hand` at the origin and become `incoming` at the destination. */
export function ship(store: StockStorage, input: ShipInput): Movement[] | Refusal {
  if (input.from_location_id === input.to_location_id) return invalid("a transfer needs two different locations");
  if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
  const existing = transferLine(store, input.transfer_id);
  if (existing) return transferConflict("this transfer was already shipped for this product", existing);
  const attribution = { reference: input.transfer_id, note: input.note ?? null, actor: input.actor ?? null };
  const out = applyChecked(
    store,
    {
      locationId: input.from_location_id,
      operationId: input.movement_id,
      movementId: input.movement_id,
      reason: "transfer_out",
      deltas: { on_hand: -input.qty },
      ...attribution,
    },
    input.qty,
  );
  if ("ok" in out) return out;
  const incoming = store.apply({
    locationId: input.to_location_id,
    operationId: input.movement_id,
    reason: "transfer_out",
    deltas: { incoming: input.qty },
    ...attribution,
  });
  insertTransferLine(store, { ...input, shipped: input.qty });
  return [out, incoming];
}

/** Receive: in-transit units arrive (`incoming` → `on_hand`) or are written off as lost. */
export function receive(store: StockStorage, input: ReceiveInput): Movement[] | Refusal {
  const { received, lost } = input;
  if (![received, lost].every((n) => Number.isSafeInteger(n) && n >= 0) || received + lost === 0) {
    return invalid("received and lost must be whole numbers >= 0, not both 0");
  }
  const line = transferLine(store, input.transfer_id);
  if (!line) return transferConflict("this transfer has not been shipped for this product", null);
  const open = line.shipped - line.received - line.lost;
  if (received + lost > open) return transferConflict(`only ${open} units of this transfer are still in transit`, line);
  const attribution = { reference: input.transfer_id, actor: input.actor ?? null, operationId: input.movement_id };
  const movements: Movement[] = [];
  if (received > 0) {
    movements.push(
      store.apply({
        ...attribution,
        movementId: input.movement_id,
        locationId: line.to_location_id,
        reason: "transfer_in",
        deltas: { incoming: -received, on_hand: received },
        note: input.note ?? null,
      }),
    );
  }
  if (lost > 0) {
    movements.push(
      store.apply({
        ...attribution,
        ...(received > 0 ? {} : { movementId: input.movement_id }),
        locationId: line.to_location_id,
        reason: "written_off",
        deltas: { incoming: -lost },
        note: input.note ?? "lost in transit",
      }),
    );
  }
  recordReceipt(store, input.transfer_id, received, lost);
  return movements;
}
