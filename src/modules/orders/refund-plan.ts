import { and, eq, sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { orderLines, refundLines, refunds } from "../../db/schema";
import { badRequest, conflict } from "../../lib/errors";
import { customerRefundRollup, refundRollups } from "../reports";
import { taxOn } from "./money";
import type { LineRow, OrderRow } from "./store";

export interface RefundPlanLine {
  line: LineRow;
  qty: number;
  restock: boolean;
  /** unit price × qty, before tax. */
  amount: number;
}

export interface RefundPlan {
  lines: RefundPlanLine[];
  subtotal: number;
  tax: number;
  /** Kept back from the money (an order return's restocking fee); the order's refunded goods and tax are unchanged by it. */
  restockingFee: number;
  /** subtotal + tax − restocking fee: the money going back. */
  amount: number;
  /** Nothing of the order is left to refund after this one. */
  fully: boolean;
}

function finish(order: OrderRow, allLines: LineRow[], planned: RefundPlanLine[], restockingFee = 0): RefundPlan {
  const subtotal = planned.reduce((sum, l) => sum + l.amount, 0);
  const refundedQty = new Map(planned.map((l) => [l.line.productId, l.qty]));
  const fully = allLines.every((l) => l.refundedQty + (refundedQty.get(l.productId) ?? 0) === l.qty);
  // Rounded on the cumulative refunded subtotal, so the refunds' taxes add up to the order's tax exactly.
  const taxAfter = fully ? order.tax : taxOn(order.refundedSubtotal + subtotal, order.taxRateBps);
  const tax = taxAfter - order.refundedTax;
  if (restockingFee > subtotal + tax) {
    throw conflict("The restocking fee is more than the refund it would be kept from.", {
      refund: subtotal + tax,
      restocking_fee: restockingFee,
    });
  }
  return { lines: planned, subtotal, tax, restockingFee, amount: subtotal + tax - restockingFee, fully };
}

/**
 * Units of each product a refund must leave alone: those in the order's returns not yet
 * settled, which are refunded (and were or will be restocked) through those returns.
 */
export type HeldBack = ReadonlyMap<string, number>;

const NOTHING_HELD: HeldBack = new Map();

/** The refund asked for, checked against what was sold and not yet refunded or held back. */
export function planRefund(
  order: OrderRow,
  lines: LineRow[],
  requested: { product_id: string; qty: number; restock: boolean }[] | undefined,
  restockingFee = 0,
  heldBack: HeldBack = NOTHING_HELD,
): RefundPlan {
  if (requested === undefined) {
    const plan = planFullRefund(order, lines, () => false, heldBack);
    if (plan.lines.length === 0) {
      throw conflict("Every unit left to refund is in an open return; refund them through the return.");
    }
    return plan;
  }
  const byProduct = new Map(lines.map((l) => [l.productId, l]));
  const seen = new Set<string>();
  const problems: { path: string; message: string }[] = [];
  const tooMany: { product_id: string; requested: number; refundable: number; in_open_returns: number }[] = [];
  const planned: RefundPlanLine[] = [];
  for (const [i, r] of requested.entries()) {
    const line = byProduct.get(r.product_id);
    const held = heldBack.get(r.product_id) ?? 0;
    const refundable = line ? Math.max(0, line.qty - line.refundedQty - held) : 0;
    if (!line) problems.push({ path: `lines.${i}.product_id`, message: "Not a line of this order" });
    else if (seen.has(r.product_id)) problems.push({ path: `lines.${i}.product_id`, message: "Named twice" });
    else if (r.qty > refundable) {
      tooMany.push({ product_id: r.product_id, requested: r.qty, refundable, in_open_returns: held });
    } else planned.push({ line, qty: r.qty, restock: r.restock, amount: line.unitPrice * r.qty });
    seen.add(r.product_id);
  }
  if (problems.length > 0) throw badRequest("Some refund lines are not valid.", problems);
  if (tooMany.length > 0) {
    throw conflict(
      tooMany.some((l) => l.in_open_returns > 0)
        ? "Some lines ask to refund units that are in an open return; refund those through the return."
        : "Some lines ask to refund more than was sold and not yet refunded.",
      { lines: tooMany },
    );
  }
  return finish(order, lines, planned, restockingFee);
}

/** Everything not yet refunded or held back; `restock` says which lines go back on the shelf. */
export function planFullRefund(
  order: OrderRow,
  lines: LineRow[],
  restock: (line: LineRow) => boolean,
  heldBack: HeldBack = NOTHING_HELD,
): RefundPlan {
  const left = (l: LineRow) => l.qty - l.refundedQty - (heldBack.get(l.productId) ?? 0);
  const planned = lines
    .filter((l) => left(l) > 0)
    .map((line) => {
      const qty = left(line);
      return { line, qty, restock: restock(line), amount: line.unitPrice * qty };
    });
  return finish(order, lines, planned);
}

export interface RefundRecord {
  refundId: string;
  paymentId: string | null;
  reason: string;
  now: string;
  /** The store's time zone, for the day the refund counts on in the daily rollups. */
  timeZone: string;
}

/**
 * The refund's rows (pending until settled) and the order's new refunded amounts,
 * to go in the same batch as the order's transition.
 */
export function refundStatements(db: Database, order: OrderRow, plan: RefundPlan, record: RefundRecord) {
  const refunded = plan.lines.map((l) => ({
    productId: l.line.productId,
    qty: l.qty,
    amount: l.amount,
    allocations: l.line.allocations,
    refundedBefore: l.line.refundedQty,
  }));
  const key = { timeZone: record.timeZone, at: record.now, currency: order.currency };
  const statements: Statement[] = [
    ...refundRollups(db, key, plan.amount, refunded),
    ...(order.customerId ? [customerRefundRollup(db, key, order.customerId, plan.amount)] : []),
    db.insert(refunds).values({
      id: record.refundId,
      orderId: order.id,
      paymentId: record.paymentId,
      reason: record.reason,
      subtotal: plan.subtotal,
      tax: plan.tax,
      restockingFee: plan.restockingFee,
      amount: plan.amount,
      currency: order.currency,
      status: "pending",
      providerRef: null,
      failureMessage: null,
      createdAt: record.now,
      updatedAt: record.now,
    }),
  ];
  for (const l of plan.lines) {
    statements.push(
      db.insert(refundLines).values({
        refundId: record.refundId,
        productId: l.line.productId,
        qty: l.qty,
        restock: l.restock,
        amount: l.amount,
      }),
      db
        .update(orderLines)
        .set({ refundedQty: sql`${orderLines.refundedQty} + ${l.qty}` })
        .where(and(eq(orderLines.orderId, order.id), eq(orderLines.productId, l.line.productId))),
    );
  }
  const set = {
    refundedSubtotal: order.refundedSubtotal + plan.subtotal,
    refundedTax: order.refundedTax + plan.tax,
    refundedTotal: order.refundedTotal + plan.amount,
    ...(plan.fully ? { refundedAt: record.now } : {}),
  };
  return { statements, set };
}
