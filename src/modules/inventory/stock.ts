import type { InventoryDO } from "../../durable/inventory/object";

/** The one InventoryDO of a product (DESIGN.md section 4: `idFromName(product_id)`). */
export function stockObject(ns: DurableObjectNamespace<InventoryDO>, productId: string) {
  return ns.get(ns.idFromName(productId));
}
