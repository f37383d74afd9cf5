/*
 * The one place a return moves stock: arrived units go back through the product's
 * stock object with movement reason `returned`, under a movement id derived from the
 * return and the receipt row, so the request, a retry and the pipeline can all run it
 * and the units move once.
 */
import type { InventoryDO } from "../../durable/inventory/object";
import { stockObject } from "../inventory";
import type { ReceiptRow } from "./store";

export interface ReturnedUnits {
  receipt: ReceiptRow;
  actor: string | null;
}

/** Whether the object took the units (a replay of the same movement id counts). */
export async function receiveIntoStock(
  objects: DurableObjectNamespace<InventoryDO>,
  { receipt, actor }: ReturnedUnits,
): Promise<boolean> {
  if (receipt.condition === "missing" || receipt.movementId === null) return true;
  const stub = stockObject(objects, receipt.productId);
  if (receipt.condition !== "restock") {
    // The stock object has no damaged or quarantine state yet (stock by location brings it).
    return true;
  }
  const result = await stub.adjust({
    product_id: receipt.productId,
    movement_id: receipt.movementId,
    delta: receipt.qty,
    reason: "returned",
    reference: receipt.returnId,
    actor,
  });
  return result.ok;
}
