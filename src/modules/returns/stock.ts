/*
 * The one place a return moves stock: arrived units come into the product's stock at
 * the chosen location, from outside it, with movement reason `returned`: `restock`
 * into sellable on-hand stock, `damaged` and `quarantine` into those states (on hand,
 * not sellable). The movement id is derived from the return and the receipt row, so
 * the request, a retry and the pipeline can all run it and the units move once.
 */
import type { ReceiptCondition } from "../../db/schema";
import { type InventoryDO, moveUnits, type UnitState } from "../stock";
import type { ReceiptRow } from "./store";

const INTO: Record<Exclude<ReceiptCondition, "missing">, UnitState> = {
  restock: "sellable",
  damaged: "damaged",
  quarantine: "quarantine",
};

export async function receiveIntoStock(
  objects: DurableObjectNamespace<InventoryDO>,
  receipt: ReceiptRow,
  actor: string | null,
): Promise<void> {
  if (receipt.condition === "missing" || receipt.movementId === null) return;
  await moveUnits(objects, receipt.productId, {
    movement_id: receipt.movementId,
    location_id: receipt.locationId,
    from: "external",
    to: INTO[receipt.condition],
    qty: receipt.qty,
    reason: "returned",
    reference: receipt.returnId,
    actor,
  });
}
