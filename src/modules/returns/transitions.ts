import { eq, sql } from "drizzle-orm";
import { guard, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { type ReturnStatus, returns } from "../../db/schema";
import { invalidTransition } from "../../lib/errors";
import { auditInsert, type RequestMeta } from "../audit";
import { type EventType, eventInsert } from "../events";
import type { ReturnRow } from "./store";

/** The status machine (see the schema): every action moves one step, and terminal states stay put. */
const NEXT: Record<ReturnStatus, readonly ReturnStatus[]> = {
  requested: ["approved", "rejected"],
  approved: ["received", "closed"],
  received: ["refunded", "closed"],
  rejected: [],
  refunded: [],
  closed: [],
};

export function assertReturnTransition(ret: ReturnRow, to: ReturnStatus, action: string): void {
  if (!NEXT[ret.status].includes(to)) throw invalidTransition(`A return that is ${ret.status} cannot be ${action}.`);
}

type ReturnChanges = Partial<Omit<typeof returns.$inferInsert, "id" | "status" | "version" | "updatedAt">>;

export interface ReturnTransition {
  to: ReturnStatus;
  set?: ReturnChanges;
  event: EventType;
  eventData?: Record<string, unknown>;
  /** A keyed step's derived event id (see `stepReturn`). */
  eventId?: string;
}

/** The outbox payload of every return.* event (the catalog's ReturnEventData). */
export function returnEventData(ret: ReturnRow, extra: Record<string, unknown> = {}) {
  return {
    id: ret.id,
    version: ret.version,
    status: ret.status,
    order_id: ret.orderId,
    customer_id: ret.customerId,
    ...extra,
  };
}

const auditImage = (r: ReturnRow) => ({
  status: r.status,
  version: r.version,
  refund_id: r.refundId,
  restocking_fee: r.restockingFee,
  decision_reason: r.decisionReason,
});

/** Whether the return is still in the status and version the service read. */
export function returnGuard(db: Database, ret: ReturnRow): Statement {
  return guard(
    db,
    sql`EXISTS (SELECT 1 FROM returns WHERE id = ${ret.id} AND status = ${ret.status} AND version = ${ret.version})`,
  );
}

/**
 * One transition as statements for one batch: the guard on the status and version
 * read (so of racing actions only the first commits), the update, the outbox event
 * and the audit row. The caller appends its own rows (receipts) and runs them together.
 */
export function returnTransitionStatements(
  db: Database,
  meta: RequestMeta,
  ret: ReturnRow,
  spec: ReturnTransition,
  now: string,
): Statement[] {
  const next: ReturnRow = { ...ret, ...spec.set, status: spec.to, version: ret.version + 1, updatedAt: now };
  return [
    returnGuard(db, ret),
    db
      .update(returns)
      .set({ ...spec.set, status: spec.to, version: next.version, updatedAt: now })
      .where(eq(returns.id, ret.id)),
    eventInsert(db, {
      ...(spec.eventId ? { id: spec.eventId } : {}),
      type: spec.event,
      resourceType: "return",
      resourceId: ret.id,
      data: returnEventData(next, spec.eventData),
    }).statement,
    auditInsert(db, meta, {
      action: spec.event,
      entityType: "return",
      entityId: ret.id,
      before: auditImage(ret),
      after: auditImage(next),
    }),
  ];
}
