import { eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch } from "../../db/batch";
import { returnLines, returns } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { conflict, forbidden, invalidTransition } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { loadOrder, type OrderDeps, type OrderRow } from "../orders";
import { getSettings } from "../settings";
import { checkReturnLines, noLineOverCommitted, unitsInOpenReturns } from "./limits";
import { getReturn } from "./queries";
import type { OpenReturnInput } from "./schemas";
import { isCustomer } from "./store";
import { returnEventData } from "./transitions";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Paid orders: being fulfilled, or completed (partly refunded ones stay completed). */
const RETURNABLE_STATUSES: readonly OrderRow["status"][] = ["processing", "completed"];

/** Customers within the window after completion; staff whenever the order was paid. */
async function assertMayOpen(deps: OrderDeps, order: OrderRow, actor: Actor, now: number): Promise<void> {
  if (!RETURNABLE_STATUSES.includes(order.status)) {
    throw invalidTransition(`An order that is ${order.status} has nothing to return.`);
  }
  if (!isCustomer(actor) || order.completedAt === null) return;
  const { return_window_days: days } = await getSettings(deps.db);
  if (now > Date.parse(order.completedAt) + days * DAY_MS) {
    throw forbidden(`Returns may be opened up to ${days} days after the order was completed.`);
  }
}

/**
 * Opens a return (`requested`) for lines of an order. The lines are checked against
 * what is left to return, and the batch that writes them re-checks it (a guard after
 * the inserts), so two returns opened at once cannot both take the same units.
 * `returnId` comes from the request's Idempotency-Key (`keyedId`): a retry after a crash
 * that followed the commit finds that return (read alongside the order) and answers with it.
 */
export async function openReturn(
  deps: OrderDeps,
  orderId: string,
  input: OpenReturnInput,
  actor: Actor,
  meta: RequestMeta,
  returnId: string,
) {
  const [{ order, lines }, [committed]] = await Promise.all([
    loadOrder(deps.db, orderId, actor),
    deps.db.select({ id: returns.id }).from(returns).where(eq(returns.id, returnId)).limit(1),
  ]);
  if (committed) return getReturn(deps.db, returnId, actor);
  const now = nowIso();
  await assertMayOpen(deps, order, actor, Date.parse(now));
  checkReturnLines(lines, await unitsInOpenReturns(deps.db, orderId), input.lines);
  const row: typeof returns.$inferSelect = {
    id: returnId,
    orderId,
    customerId: order.customerId,
    status: "requested",
    note: input.note ?? null,
    decisionReason: null,
    refundId: null,
    restockingFee: 0,
    openedBy: actor.id,
    version: 1,
    createdAt: now,
    approvedAt: null,
    rejectedAt: null,
    receivedAt: null,
    refundedAt: null,
    closedAt: null,
    updatedAt: now,
  };
  const position = new Map(lines.map((l) => [l.productId, l.position]));
  try {
    await runBatch(deps.db, [
      deps.db.insert(returns).values(row),
      // Six parameters a row: 16 rows a statement stay under D1's 100.
      ...chunks(input.lines, 16).map((part) =>
        deps.db.insert(returnLines).values(
          part.map((l) => ({
            returnId: row.id,
            orderId,
            productId: l.product_id,
            position: position.get(l.product_id) ?? 0,
            qty: l.qty,
            reason: l.reason,
          })),
        ),
      ),
      noLineOverCommitted(deps.db, orderId),
      eventInsert(deps.db, {
        type: "return.requested",
        resourceType: "return",
        resourceId: row.id,
        data: returnEventData(row, {
          lines: input.lines.map((l) => ({ product_id: l.product_id, qty: l.qty, reason: l.reason })),
        }),
      }).statement,
      auditInsert(deps.db, meta, {
        action: "return.requested",
        entityType: "return",
        entityId: row.id,
        after: { order_id: orderId, lines: input.lines, note: row.note },
      }),
    ]);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    // Another return took some of the units meanwhile: answer with the limits as they are now.
    const fresh = await loadOrder(deps.db, orderId, actor);
    checkReturnLines(fresh.lines, await unitsInOpenReturns(deps.db, orderId), input.lines);
    throw conflict("The order's returns changed meanwhile; retry.");
  }
  return getReturn(deps.db, row.id, actor);
}
