import type { Refusal } from "../../durable/inventory/types";
import { type AppError, badRequest, conflict, insufficientStock, notFound, preconditionFailed } from "../../lib/errors";

/** Turns a stock object's refusal into the API's error. */
export function refusalError(refusal: Refusal): AppError {
  switch (refusal.code) {
    case "INSUFFICIENT_STOCK":
      return insufficientStock("There is not enough stock for this change.", {
        requested: refusal.requested,
        available: refusal.available,
        on_hand: refusal.on_hand,
        reserved: refusal.reserved,
        // Which location refused, and its whole level, so the caller sees which bucket is short.
        ...(refusal.location_id ? { location_id: refusal.location_id } : {}),
        ...(refusal.level ? { level: refusal.level } : {}),
      });
    case "VERSION_MISMATCH":
      return preconditionFailed(
        refusal.location_id
          ? "The stock level at this location has changed: fetch its ETag (GET with this location_id) and retry."
          : "The stock level has changed; fetch it again and retry.",
        {
          current_version: refusal.version,
          ...(refusal.location_id ? { location_id: refusal.location_id } : {}),
        },
      );
    case "RESERVATION_NOT_FOUND":
      return notFound("Reservation");
    case "RESERVATION_NOT_HELD":
      return conflict(`The reservation is ${refusal.state}, not held.`, { reservation_state: refusal.state });
    case "TRANSFER_CONFLICT":
      return conflict(refusal.detail, { transfer: refusal.transfer });
    case "INVALID":
      return badRequest(refusal.detail);
  }
}
