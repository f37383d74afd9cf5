import type { Actor } from "../../context";
import { conflict } from "../../lib/errors";
import type { RequestMeta } from "../audit";
import { type OrderDeps, refundOrder } from "../orders";
import { getReturn } from "./queries";
import type { RefundReturnInput } from "./schemas";
import { type LoadedReturn, loadReturn } from "./store";
import { assertReturnTransition, returnTransitionStatements } from "./transitions";

/** Units that arrived (in any condition but `missing`), per product: what the refund pays back. */
function arrivedUnits({ receipts }: LoadedReturn): Map<string, number> {
  const arrived = new Map<string, number>();
  for (const r of receipts) {
    if (r.condition !== "missing") arrived.set(r.productId, (arrived.get(r.productId) ?? 0) + r.qty);
  }
  return arrived;
}

/**
 * `received → refunded`: the arrived units are refunded through the order's refund
 * (the same rules, money provider and credit note as any refund, without restocking:
 * receiving already moved the units), less the restocking fee. The return's
 * transition commits in the refund's own batch, so the refund happens once whatever
 * races it: a second refund of the return, or a direct refund of the same units
 * (the order line's refunded quantity can never pass what was bought).
 */
export async function refundReturn(
  deps: OrderDeps,
  id: string,
  input: RefundReturnInput,
  actor: Actor,
  meta: RequestMeta,
  /** From the request's Idempotency-Key (`keyedId`). */
  refundId: string,
) {
  const loaded = await loadReturn(deps.db, id, actor);
  // A retry whose first run committed this very refund: the order's refund finds it and
  // settles it again (idempotently), refunding nothing more.
  const retried = loaded.ret.refundId === refundId;
  if (!retried) assertReturnTransition(loaded.ret, "refunded", "refunded");
  const arrived = arrivedUnits(loaded);
  if (arrived.size === 0) throw conflict("None of the return's units arrived; close it instead of refunding.");
  await refundOrder(
    deps,
    loaded.ret.orderId,
    {
      lines: [...arrived].map(([product_id, qty]) => ({ product_id, qty, restock: false })),
      reason: input.reason ?? `return ${id}`,
    },
    actor,
    meta,
    {
      refundId,
      restockingFee: input.restocking_fee,
      async alongside(refundId, now) {
        const { ret } = await loadReturn(deps.db, id, actor);
        assertReturnTransition(ret, "refunded", "refunded");
        return returnTransitionStatements(
          deps.db,
          meta,
          ret,
          {
            to: "refunded",
            event: "return.refunded",
            set: { refundId, restockingFee: input.restocking_fee, refundedAt: now },
            eventData: { refund_id: refundId, restocking_fee: input.restocking_fee },
          },
          now,
        );
      },
    },
  );
  return getReturn(deps.db, id, actor);
}
