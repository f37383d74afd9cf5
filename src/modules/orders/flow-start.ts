import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type CaptureMode, type OrderStatus, orders, payments } from "../../db/schema";
import { nowIso } from "../../lib/time";

/** What the order's flow starts from (its first step's result, kept in the instance's history). */
export interface FlowStart {
  status: OrderStatus;
  capture_mode: CaptureMode;
  /** The checkout holds' expiry: the flow waits for payment until then. */
  expires_at: string;
  /** The payment of an order already `paying` (its request died, or staff restarted the flow). */
  pending_payment_id: string | null;
}

/**
 * The flow's first step: records that the order's instance runs (so the minute sweep
 * leaves it alone; not a change of the order, so no version bump) and reads where
 * the order stands, in one batch.
 */
export async function markFlowStarted(db: Database, orderId: string): Promise<FlowStart | null> {
  const [, [order], [payment]] = await db.batch([
    db
      .update(orders)
      .set({ flowStartedAt: nowIso() })
      .where(and(eq(orders.id, orderId), isNull(orders.flowStartedAt))),
    db
      .select({ status: orders.status, captureMode: orders.captureMode, expiresAt: orders.expiresAt })
      .from(orders)
      .where(eq(orders.id, orderId))
      .limit(1),
    db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.orderId, orderId), eq(payments.status, "pending")))
      .limit(1),
  ]);
  if (!order) return null;
  return {
    status: order.status,
    capture_mode: order.captureMode,
    expires_at: order.expiresAt,
    pending_payment_id: order.status === "paying" ? (payment?.id ?? null) : null,
  };
}
