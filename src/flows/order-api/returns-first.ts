/*
 * Cancelling and refunding an order from the order API, around its returns: units in a
 * return not yet settled are refunded through that return (which restocks what
 * arrives), so a direct refund leaves them alone, and an order with such a return
 * cannot be cancelled (its refund would restock them a second time). Each check is
 * repeated as a guard in the write's own batch, so a return opened meanwhile aborts it.
 */
import type { Actor } from "../../context";
import { conflict } from "../../lib/errors";
import type { RequestMeta } from "../../modules/audit";
import { cancelOrder, type OrderDeps, type RefundInput, refundOrder } from "../../modules/orders";
import {
  noLineOverCommitted,
  noReturnBlockingCancel,
  returnBlockingCancel,
  unitsInOpenReturns,
} from "../../modules/returns";

export function cancelAroundReturns(
  deps: OrderDeps,
  orderId: string,
  actor: Actor,
  reason: string | undefined,
  meta: RequestMeta,
): Promise<void> {
  // Checked once the order is read, so whoever may not see it gets its 404 and learns nothing of its returns.
  return cancelOrder(deps, orderId, actor, reason, meta, async () => {
    const blocking = await returnBlockingCancel(deps.db, orderId);
    if (blocking) {
      throw conflict(
        `Return ${blocking.id} of this order is ${blocking.status}: settle it, or refund the order instead of cancelling it.`,
        { return_id: blocking.id, return_status: blocking.status },
      );
    }
    return [noReturnBlockingCancel(deps.db, orderId)];
  });
}

export function refundAroundReturns(
  deps: OrderDeps,
  orderId: string,
  input: RefundInput,
  actor: Actor,
  meta: RequestMeta,
  refundId: string,
): Promise<void> {
  return refundOrder(deps, orderId, input, actor, meta, {
    refundId,
    heldBack: () => unitsInOpenReturns(deps.db, orderId),
    alongside: async () => [noLineOverCommitted(deps.db, orderId)],
  });
}
