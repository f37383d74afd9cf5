import { and, eq, inArray, sql } from "drizzle-orm";
import { guard, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { OPEN_RETURN_STATUSES, returnLines, returns } from "../../db/schema";
import { badRequest, conflict } from "../../lib/errors";
import type { LineRow } from "../orders";
import type { OpenReturnInput } from "./schemas";

/** Units of each product of the order in returns not yet settled (requested, approved, received). */
export async function unitsInOpenReturns(db: Database, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ productId: returnLines.productId, qty: sql<number>`sum(${returnLines.qty})` })
    .from(returnLines)
    .innerJoin(returns, eq(returns.id, returnLines.returnId))
    .where(and(eq(returnLines.orderId, orderId), inArray(returns.status, [...OPEN_RETURN_STATUSES])))
    .groupBy(returnLines.productId);
  return new Map(rows.map((r) => [r.productId, Number(r.qty)]));
}

export interface LineLimit {
  product_id: string;
  requested: number;
  returnable: number;
}

/**
 * The lines asked for, checked against the order: each names a line once, and asks
 * for no more than was bought minus what is refunded or in another open return
 * (409 with every line's limit otherwise).
 */
export function checkReturnLines(
  lines: LineRow[],
  open: Map<string, number>,
  requested: OpenReturnInput["lines"],
): void {
  const byProduct = new Map(lines.map((l) => [l.productId, l]));
  const seen = new Set<string>();
  const problems: { path: string; message: string }[] = [];
  for (const [i, r] of requested.entries()) {
    if (!byProduct.has(r.product_id))
      problems.push({ path: `lines.${i}.product_id`, message: "Not a line of this order" });
    else if (seen.has(r.product_id)) problems.push({ path: `lines.${i}.product_id`, message: "Named twice" });
    seen.add(r.product_id);
  }
  if (problems.length > 0) throw badRequest("Some return lines are not valid.", problems);
  const limits: LineLimit[] = requested.map((r) => {
    const line = byProduct.get(r.product_id) as LineRow;
    return {
      product_id: r.product_id,
      requested: r.qty,
      returnable: Math.max(0, line.qty - line.refundedQty - (open.get(r.product_id) ?? 0)),
    };
  });
  if (limits.some((l) => l.requested > l.returnable)) {
    throw conflict("Some lines ask to return more than was bought and not yet returned or refunded.", {
      lines: limits,
    });
  }
}

/**
 * Put after a new return's lines in its batch: aborts it when, with them, some line of
 * the order has more units refunded or in open returns than were bought, which is how
 * two returns opened at once cannot both take the last unit.
 */
export function noLineOverCommitted(db: Database, orderId: string): Statement {
  return guard(
    db,
    sql`NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = ${orderId} AND ol.refunded_qty + (
      SELECT coalesce(sum(rl.qty), 0) FROM return_lines rl JOIN returns r ON r.id = rl.return_id
      WHERE rl.order_id = ol.order_id AND rl.product_id = ol.product_id
        AND r.status IN (${sql.join(
          OPEN_RETURN_STATUSES.map((s) => sql`${s}`),
          sql`, `,
        )})) > ol.qty)`,
  );
}

/**
 * Returns that stop the order being cancelled: one not yet settled (its units may be
 * on their way back or already restocked), or one closed after its units were
 * received (they are back on the shelf, unrefunded). Cancelling refunds and restocks
 * every unit not refunded, so it would put those units back a second time.
 */
const blocksCancel = (orderId: string) =>
  sql`${returns.orderId} = ${orderId} AND (${inArray(returns.status, [...OPEN_RETURN_STATUSES])}
    OR (${returns.status} = 'closed' AND ${returns.receivedAt} IS NOT NULL))`;

/** The first return that stops the order being cancelled, if any. */
export async function returnBlockingCancel(db: Database, orderId: string) {
  const [found] = await db
    .select({ id: returns.id, status: returns.status })
    .from(returns)
    .where(blocksCancel(orderId))
    .limit(1);
  return found ?? null;
}

/** Put in the cancellation's batch: aborts it when such a return was opened meanwhile. */
export const noReturnBlockingCancel = (db: Database, orderId: string): Statement =>
  guard(db, sql`NOT EXISTS (SELECT 1 FROM returns WHERE ${blocksCancel(orderId)})`);
