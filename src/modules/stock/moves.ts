import type { InventoryDO } from "../../durable/inventory/object";
import type { ChangeStateInput } from "../../durable/inventory/types";
import { stockObject } from "./client";
import { refusalError } from "./refusals";

type Objects = DurableObjectNamespace<InventoryDO>;

/**
 * Moves units of one product between states at one location, for flows that own the
 * reason: a dispatch (`sellable → out`, reason `dispatch`), its return (`out → sellable |
 * damaged | written_off`, `dispatch_return`), an order return received into
 * `sellable`/`damaged`/`quarantine` from `external` (`returned`). Idempotent by
 * `movement_id`; a refusal (it would break an invariant) is thrown as the API's 409.
 */
export async function moveUnits(objects: Objects, productId: string, input: ChangeStateInput) {
  const result = await stockObject(objects, productId).changeState(input);
  if (!result.ok) throw refusalError(result);
  return result;
}
