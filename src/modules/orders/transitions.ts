import { eq } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { type OrderStatus, orderStatusHistory, orders } from "../../db/schema";
import { invalidTransition } from "../../lib/errors";
import { auditInsert, type RequestMeta } from "../audit";
import { type EventType, eventInsert } from "../events";
import { statusRollups } from "../reports";
import { orderGuard } from "./guard";
import type { OrderRow } from "./store";
import { orderEventData } from "./view";

/**
 * The status machine. `paying` is internal to a payment: claimed before
 * money or stock moves, left for `processing` on success, back to `pending` on a
 * decline, or `cancelled` when the stock is gone. A completed order stays
 * `completed` through partial refunds (a guarded change, but no transition) and
 * becomes `refunded` with the last unit.
 */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ["paying", "cancelled"],
  paying: ["processing", "pending", "cancelled"],
  processing: ["completed", "cancelled"],
  completed: ["refunded"],
  cancelled: [],
  refunded: [],
};

export function assertTransition(order: OrderRow, to: OrderStatus, action: string): void {
  if (order.status === "paying" && to !== "processing" && to !== "pending") {
    throw invalidTransition(`A payment for this order is in progress; it cannot be ${action} now.`);
  }
  if (!NEXT[order.status].includes(to)) {
    throw invalidTransition(`An order that is ${order.status} cannot be ${action}.`);
  }
}

type OrderChanges = Partial<Omit<typeof orders.$inferInsert, "id" | "status" | "version" | "updatedAt">>;

export interface TransitionSpec {
  to: OrderStatus;
  set?: OrderChanges;
  reason?: string | null;
  event?: { type: EventType; data?: Record<string, unknown> };
  auditAction: string;
}

const auditImage = (o: OrderRow) => ({
  status: o.status,
  version: o.version,
  total: o.total,
  refunded_total: o.refundedTotal,
  cancel_reason: o.cancelReason,
});

/**
 * The statements of one transition, to run as one batch (with any extra statements
 * the caller appends): the guard on the status and version read, the update, the
 * history row with the status rollups (days in `timeZone`, the store's), the outbox
 * event and the audit row. Two racing actions read the same
 * version, so only the first batch passes its guard.
 */
export function transitionStatements(
  db: Database,
  meta: RequestMeta,
  order: OrderRow,
  spec: TransitionSpec,
  now: string,
  timeZone: string,
): { statements: Statement[]; next: OrderRow } {
  const next: OrderRow = { ...order, ...spec.set, status: spec.to, version: order.version + 1, updatedAt: now };
  const statements: Statement[] = [
    orderGuard(db, order),
    db
      .update(orders)
      .set({ ...spec.set, status: spec.to, version: next.version, updatedAt: now })
      .where(eq(orders.id, order.id)),
  ];
  if (order.status !== spec.to) {
    statements.push(
      db.insert(orderStatusHistory).values({
        orderId: order.id,
        fromStatus: order.status,
        toStatus: spec.to,
        reason: spec.reason ?? null,
        actorType: meta.actor?.kind ?? "system",
        actorId: meta.actor?.id ?? null,
        createdAt: now,
      }),
      ...statusRollups(db, timeZone, order, order.status, spec.to),
    );
  }
  if (spec.event) {
    statements.push(
      eventInsert(db, {
        type: spec.event.type,
        resourceType: "order",
        resourceId: order.id,
        data: orderEventData(next, spec.event.data),
      }).statement,
    );
  }
  statements.push(
    auditInsert(db, meta, {
      action: spec.auditAction,
      entityType: "order",
      entityId: order.id,
      before: auditImage(order),
      after: { ...auditImage(next), ...(spec.reason ? { reason: spec.reason } : {}) },
    }),
  );
  return { statements, next };
}
