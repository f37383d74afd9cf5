import type { Database } from "../../db/client";
import type { InventoryDO } from "../../durable/inventory/object";
import type { MovementReason, StateSource, StateTarget } from "../../durable/inventory/types";
import { badRequest } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { DEFAULT_LOCATION_ID } from "../locations";
import { moveUnits, refusalError, stockObject } from "../stock";
import { assertStockPlace, requireStockPlace, type StockActor, type StockPlace, toLevelResponse } from "./service";

type Objects = DurableObjectNamespace<InventoryDO>;

/** Marks units damaged, quarantines or releases them, writes them off… at one location. */
/** `place`: what `stockPlaceQueries` read for this product and location. */
export async function changeStockState(
  place: StockPlace,
  objects: Objects,
  productId: string,
  input: {
    location_id?: string | undefined;
    from: StateSource;
    to: StateTarget;
    qty: number;
    reason?: MovementReason | undefined;
    note?: string | undefined;
    reference?: string | undefined;
  },
  actor: StockActor,
) {
  assertStockPlace(place, productId, input.location_id);
  // Units go out and come back only on dispatches, which keep what is out and where.
  if (input.from === "out" || input.to === "out") {
    throw badRequest("Units go out and come back through dispatches.", [
      { path: input.from === "out" ? "from" : "to", message: "Use a dispatch" },
    ]);
  }
  if (input.from === "external" && input.to === "written_off") {
    throw badRequest("Units arriving from outside cannot be written off: they were never stock.", [
      { path: "to", message: "Not a target for external units" },
    ]);
  }
  const result = await moveUnits(objects, productId, {
    movement_id: await derivedId("mov", actor.id, actor.idempotencyKey, productId),
    location_id: input.location_id ?? null,
    from: input.from,
    to: input.to,
    qty: input.qty,
    reason: input.reason ?? null,
    note: input.note ?? null,
    reference: input.reference ?? null,
    actor: actor.id,
  });
  return { movement: result.movement, level: toLevelResponse(result.level) };
}

export async function setSafetyStock(
  db: Database,
  objects: Objects,
  productId: string,
  input: { location_id?: string | undefined; safety_stock: number },
) {
  await requireStockPlace(db, productId, input.location_id);
  const locationId = input.location_id ?? DEFAULT_LOCATION_ID;
  const result = await stockObject(objects, productId).setSafetyStock({
    location_id: locationId,
    safety_stock: input.safety_stock,
  });
  if ("ok" in result) throw refusalError(result);
  return toLevelResponse(result, locationId);
}
