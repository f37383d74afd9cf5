import type { InventoryDO } from "../../durable/inventory/object";
import type { Reservation } from "../../durable/inventory/types";
import { insufficientStock, serviceUnavailable } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { log } from "../../lib/log";
import { stockObject } from "../stock";

type Objects = DurableObjectNamespace<InventoryDO>;

export interface Hold {
  productId: string;
  reservationId: string;
}

export interface LineAvailability {
  product_id: string;
  requested: number;
  available: number;
}

/**
 * A line's hold id, derived from the order (and, for a hold renewed during a payment,
 * from that payment), so every retry and every resumed step names the same hold.
 */
export function holdId(orderId: string, productId: string, paymentId?: string): Promise<string> {
  return paymentId ? derivedId("rsv", orderId, productId, paymentId) : derivedId("rsv", orderId, productId);
}

export type ReserveOutcome = { held: Reservation[] } | { shortage: LineAvailability[] };

/**
 * Holds every line at once, all or nothing, at the given locations (none: nothing can be held). On any refusal every line is released
 * (releasing a hold that never landed leaves a tombstone, so a late reserve holds
 * nothing) and the per-line availability is returned; on an RPC failure the lines
 * are released too and the error is raised.
 */
export async function reserveLines(
  objects: Objects,
  orderId: string,
  lines: { productId: string; qty: number }[],
  ttlSeconds: number,
  /** Where the units may come from, in allocation order. */
  locations: string[],
): Promise<ReserveOutcome> {
  const holds = await Promise.all(
    lines.map(async (l) => ({ productId: l.productId, reservationId: await holdId(orderId, l.productId) })),
  );
  const results = await Promise.allSettled(
    lines.map((line, i) =>
      stockObject(objects, line.productId).reserve({
        reservation_id: holds[i]?.reservationId ?? "",
        qty: line.qty,
        ttl_seconds: ttlSeconds,
        order_id: orderId,
        locations,
      }),
    ),
  );
  const held = results.flatMap((r) =>
    r.status === "fulfilled" && r.value.ok && r.value.reservation.state === "held" ? [r.value.reservation] : [],
  );
  if (held.length === lines.length) return { held };
  await releaseHolds(objects, holds, "checkout_failed");
  if (results.some((r) => r.status === "rejected")) {
    throw serviceUnavailable("Stock could not be reserved; nothing was kept. Retry shortly.");
  }
  const shortage = lines.map((line, i) => {
    const result = results[i];
    const value = result?.status === "fulfilled" ? result.value : null;
    const available = !value
      ? 0
      : value.ok
        ? value.level.available + (value.reservation.state === "held" ? line.qty : 0)
        : value.code === "INSUFFICIENT_STOCK"
          ? value.available
          : 0;
    return { product_id: line.productId, requested: line.qty, available };
  });
  return { shortage };
}

/**
 * Releases holds; one already released, expired or committed is left as it is.
 * Returns false if some object could not be reached: the hold's TTL then frees the
 * stock, and callers that must not rely on it (the order pipeline) retry.
 */
export async function releaseHolds(objects: Objects, holds: Hold[], reason: string): Promise<boolean> {
  const results = await Promise.allSettled(
    holds.map((h) =>
      stockObject(objects, h.productId).release({
        reservation_id: h.reservationId,
        reason,
      }),
    ),
  );
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0)
    log.warn("releasing holds failed; their TTL will free the stock", {
      reason,
      failed: failed.length,
      error: failed[0]?.reason,
    });
  return failed.length === 0;
}

export function shortageError(detail: string, lines: LineAvailability[], extra: Record<string, unknown> = {}) {
  return insufficientStock(detail, { ...extra, lines });
}
