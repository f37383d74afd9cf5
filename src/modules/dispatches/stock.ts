/*
 * The one seam between dispatches and stock. A dispatch moves a product's units from
 * `on_hand` to `out` at its location when it leaves, and from `out` back to `on_hand`,
 * into `damaged`, or written off when they return; undoing a send that a dispatch will
 * not keep puts them back. Every move is idempotent by its movement id, which the
 * dispatch derives from itself (or its return), so a retry moves nothing twice.
 */
import type { ReturnCondition } from "../../db/schema";

export interface StockMove {
  productId: string;
  locationId: string;
  qty: number;
  /** Derived from the dispatch or return, so that a retry names the same movement. */
  movementId: string;
  reference: string;
  actor: string | null;
}

export type SendOutcome = { ok: true } | { ok: false; available: number };

export interface DispatchStock {
  /** `on_hand → out`, reason `dispatch`; refused with what is available when short. */
  send(move: StockMove): Promise<SendOutcome>;
  /** Undoes `send` with the same movement id; a no-op when it never landed. */
  unsend(move: StockMove): Promise<void>;
  /** `out →` on hand (`good`), damaged, or written off (`consumed`, `lost`); reason `dispatch_return`. */
  receive(move: StockMove, condition: ReturnCondition): Promise<void>;
}
