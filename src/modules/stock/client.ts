import type { InventoryDO } from "../../durable/inventory/object";

/** The one InventoryDO of a product (docs/architecture.md, "Stock: the consistency model": `idFromName(product_id)`). */
export function stockObject(ns: DurableObjectNamespace<InventoryDO>, productId: string) {
  return ns.get(ns.idFromName(productId));
}
