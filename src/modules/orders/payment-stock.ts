import { type Allocation, stockObject } from "../stock";
import { holdId } from "./holds";
import type { LineRow, OrderDeps, OrderRow } from "./store";

/** Where a line's stock stands during a payment: held (or already sold) under a hold id, or short. */
export type Secured =
  | { ok: true; line: LineRow; reservationId: string; committed: boolean; allocations: Allocation[] }
  | { ok: false; line: LineRow; available: number };

/** Makes sure the line is held (or already sold by an earlier run of this payment). */
export async function secureLine(
  deps: OrderDeps,
  order: OrderRow,
  line: LineRow,
  paymentId: string,
  ttlSeconds: number,
  /** Where a renewed hold may take units from, in allocation order. */
  locations: string[],
): Promise<Secured> {
  const stub = stockObject(deps.objects, line.productId);
  const original = await holdId(order.id, line.productId);
  const current = await stub.reservation(original);
  if (current?.state === "committed")
    return { ok: true, line, reservationId: original, committed: true, allocations: current.allocations };
  if (current?.state === "held") {
    if (Date.parse(current.expires_at) > Date.now())
      return { ok: true, line, reservationId: original, committed: false, allocations: current.allocations };
    // Lapsed but not yet swept: give its units back before asking for them again.
    await stub.release({ reservation_id: original, reason: "lapsed_before_payment" });
  }
  const renewal = await holdId(order.id, line.productId, paymentId);
  const result = await stub.reserve({
    reservation_id: renewal,
    qty: line.qty,
    ttl_seconds: ttlSeconds,
    order_id: order.id,
    locations,
  });
  if (!result.ok) {
    if (result.code === "INSUFFICIENT_STOCK") return { ok: false, line, available: result.available };
    throw new Error(`renewing hold ${renewal} was refused: ${result.code}`);
  }
  const { state, expires_at, allocations } = result.reservation;
  if (state === "committed") return { ok: true, line, reservationId: renewal, committed: true, allocations };
  if (state === "held" && Date.parse(expires_at) > Date.now()) {
    return { ok: true, line, reservationId: renewal, committed: false, allocations };
  }
  return { ok: false, line, available: result.level.available };
}

export async function commitLine(deps: OrderDeps, s: Secured & { ok: true }, actorId: string): Promise<Secured> {
  const stub = stockObject(deps.objects, s.line.productId);
  const result = await stub.commit({ reservation_id: s.reservationId, actor: actorId });
  if (result.ok) return { ...s, committed: true };
  if (result.code !== "RESERVATION_NOT_HELD" && result.code !== "RESERVATION_NOT_FOUND") {
    throw new Error(`committing hold ${s.reservationId} was refused: ${result.code}`);
  }
  return { ok: false, line: s.line, available: (await stub.snapshot()).available };
}
