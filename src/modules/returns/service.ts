/*
 * Order returns (RMA). Rules enforced here and in the files this one gathers:
 * - Opening (open.ts): customers for their own paid orders, within the return window
 *   after completion (a setting); staff for any paid order. A line never asks for more
 *   than was bought minus what is refunded or in another open return (limits.ts),
 *   re-checked inside the batch that writes it.
 * - Every step (decide.ts) is one D1 batch guarded on the return's status and version,
 *   with its outbox event and audit row: of racing steps exactly one commits.
 * - Receiving (receive.ts) records what arrived and moves the arrived units into stock
 *   through the stock objects, idempotently, again from the pipeline (pipeline.ts).
 * - Refunding (refund.ts) goes through the orders module's refund, in the same batch.
 */
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { loadOrder } from "../orders";
import { returnsOfOrder } from "./queries";

export { approveReturn, closeReturn, rejectReturn } from "./decide";
export { openReturn } from "./open";
export { getReturn, listReturns, returnsOfOrder } from "./queries";
export { receiveReturn } from "./receive";
export { refundReturn } from "./refund";

/** An order's returns, for whoever may see the order (customers: their own; others' are "not found"). */
export async function returnsOfVisibleOrder(db: Database, orderId: string, actor: Actor) {
  await loadOrder(db, orderId, actor);
  return returnsOfOrder(db, orderId);
}
