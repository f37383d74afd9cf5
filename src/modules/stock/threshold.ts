import type { InventoryDO } from "../../durable/inventory/object";
import { stockObject } from "./client";

/** Keeps the object's low-stock threshold in step with the catalog's. */
export async function syncLowStockThreshold(
  objects: DurableObjectNamespace<InventoryDO>,
  productId: string,
  threshold: number | null,
) {
  await stockObject(objects, productId).setLowStockThreshold(threshold);
}
