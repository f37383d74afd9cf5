/*
 * The dispatch stock seam over the product's stock object: state changes at the
 * dispatch's location, each idempotent by its movement id. Undoing a send first repeats
 * it (a replay if it landed, or it lands now), so the undo never takes back units the
 * send did not move, whichever of a lost answer, a late RPC or a crash came first.
 */
import type { Database } from "../../db/client";
import type { ReturnCondition } from "../../db/schema";
import { derivedId } from "../../lib/ids";
import { DEFAULT_LOCATION_ID, requireLocations } from "../locations";
import { type StateTarget, stockObject } from "../stock";
import type { DispatchStock, StockMove } from "./stock";

const TARGET: Record<ReturnCondition, StateTarget> = {
  good: "sellable",
  damaged: "damaged",
  consumed: "written_off",
  lost: "written_off",
};

export function dispatchStock(env: Env): DispatchStock {
  const object = (productId: string) => stockObject(env.INVENTORY, productId);
  const send = async (m: StockMove) => {
    const result = await object(m.productId).changeState({
      movement_id: m.movementId,
      location_id: m.locationId,
      from: "sellable",
      to: "out",
      qty: m.qty,
      reason: "dispatch",
      reference: m.reference,
      actor: m.actor,
    });
    if (result.ok) return { ok: true as const };
    if (result.code === "INSUFFICIENT_STOCK") return { ok: false as const, available: result.available };
    throw new Error(`dispatch send refused: ${result.code}`);
  };
  return {
    send,
    async unsend(m) {
      if (!(await send(m)).ok) return;
      const result = await object(m.productId).changeState({
        movement_id: await derivedId("mov", m.movementId, "undo"),
        location_id: m.locationId,
        from: "out",
        to: "sellable",
        qty: m.qty,
        reason: "dispatch_return",
        note: "dispatch not sent",
        reference: m.reference,
        actor: m.actor,
      });
      if (!result.ok) throw new Error(`undoing dispatch send refused: ${result.code}`);
    },
    async receive(m, condition) {
      const result = await object(m.productId).changeState({
        movement_id: m.movementId,
        location_id: m.locationId,
        from: "out",
        to: TARGET[condition],
        qty: m.qty,
        reason: "dispatch_return",
        note: condition,
        reference: m.reference,
        actor: m.actor,
      });
      if (!result.ok) throw new Error(`dispatch return refused: ${result.code}`);
    },
  };
}

/** The location a dispatch leaves from: the one named (it must exist) or the default one. */
export async function resolveLocation(db: Database, locationId: string | undefined): Promise<string> {
  if (locationId === undefined) return DEFAULT_LOCATION_ID;
  await requireLocations(db, [locationId]);
  return locationId;
}
