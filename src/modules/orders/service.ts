/*
 * Orders. Rules enforced here and in the files this one gathers:
 * - Checkout (checkout.ts) only sells published, priced products, at catalog prices,
 *   1 to 1,000 of each, at most 100 lines (duplicates merged), with totals in minor
 *   units and tax rounded half up (money.ts); it holds all lines or none, and never
 *   leaves an order without holds or holds without a way back (their TTL).
 * - Status changes follow the machine in transitions.ts; each is one D1 batch guarded
 *   on the status and version read, with its history row, outbox event and audit row,
 *   so racing actions (pay against cancel, two refunds) have exactly one winner.
 * - Crash safety: D1 records the decision first (`paying`, `cancelled`, a pending
 *   refund), then the stock objects and the payment provider are called with ids
 *   derived from that decision, so repeating any step is harmless. Until it is paid
 *   an order is carried by its workflow (src/flows/order-flow/), which finishes a
 *   payment whose request died and expires an unpaid order at its hold's expiry; what
 *   a crash leaves of a cancellation or refund is finished by the order pipeline
 *   reacting to the decision's event.
 * - Customers see and act on their own orders only (others' are "not found"); they
 *   may cancel while pending; money, fulfilment and refunds are for staff and keys.
 */
import { eq } from "drizzle-orm";
import { isGuardFailure, runBatch } from "../../db/batch";
import { orders } from "../../db/schema";
import { preconditionFailed } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { orderGuard } from "./guard";
import { loadOrder, type OrderDeps } from "./store";

export { cancelOrder, expireOrder } from "./cancel";
export { placeOrder } from "./checkout";
export { fulfilOrder } from "./fulfilment";
export { payOrder } from "./payment";
export { listOrders } from "./queries";
export { refundOrder } from "./refund";

/** Staff notes and metadata; not a status change, so no event. `If-Match` is honoured when sent. */
export async function updateOrderNotes(
  deps: OrderDeps,
  orderId: string,
  input: {
    staff_note?: string | null | undefined;
    metadata?: Record<string, string | number | boolean | null> | undefined;
  },
  expectedVersion: number | null,
  meta: RequestMeta,
) {
  const { order } = await loadOrder(deps.db, orderId, meta.actor);
  if (expectedVersion !== null && expectedVersion !== order.version) throw preconditionFailed();
  const now = nowIso();
  const set = {
    ...(input.staff_note !== undefined ? { staffNote: input.staff_note } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
  };
  try {
    await runBatch(deps.db, [
      orderGuard(deps.db, order),
      deps.db
        .update(orders)
        .set({ ...set, version: order.version + 1, updatedAt: now })
        .where(eq(orders.id, orderId)),
      auditInsert(deps.db, meta, {
        action: "order.updated",
        entityType: "order",
        entityId: orderId,
        before: { staff_note: order.staffNote, metadata: order.metadata, version: order.version },
        after: { ...input, version: order.version + 1 },
      }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw preconditionFailed();
    throw err;
  }
}
