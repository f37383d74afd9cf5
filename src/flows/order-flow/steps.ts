/*
 * The bodies of the order flow's steps. Each is idempotent on its own (ids derived
 * from the order and the payment, one invoice per order, one notification per
 * event), because Workflows runs a step again when an attempt fails, or when it died
 * before its result was stored.
 */
import { createDb } from "../../db/client";
import { AppError } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { flushOutbox, latestEventOf } from "../../modules/events";
import { ensureInvoice } from "../../modules/invoices";
import { recordOrderNotification } from "../../modules/notifications";
import {
  type AlsoWhenPaid,
  type CapturedPayment,
  type CommitOutcome,
  capturePayment,
  completePayment,
  expireOrder,
  type FlowStart,
  findOrder,
  markFlowStarted,
  orderDeps,
  systemMeta,
} from "../../modules/orders";
import { markPurchasesVerified } from "../../modules/reviews";

export interface OrderFlowSteps {
  start(): Promise<FlowStart | null>;
  autoCapture(): Promise<CapturedPayment | "declined" | "over">;
  commit(payment: CapturedPayment): Promise<CommitOutcome>;
  expire(): Promise<CapturedPayment | "expired" | "over">;
  issueInvoice(): Promise<string | null>;
  notify(type: "order.created" | "order.paid"): Promise<void>;
}

/** A paying customer's reviews of what they bought get the verified-purchase badge with the payment. */
const verifyReviews: AlsoWhenPaid = (db, sale) => [markPurchasesVerified(db, sale.customerId, sale.productIds)];

export function orderFlowSteps(env: Env, orderId: string): OrderFlowSteps {
  const db = createDb(env.DB);
  const deps = orderDeps(env, db);
  const meta = systemMeta(`flow:${orderId}`);
  /** Steps that write events publish them at once; what this misses, the outbox sweep sends. */
  const publishing = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work;
    await flushOutbox(db, env.EVENTS);
    return result;
  };
  return {
    start: () => markFlowStarted(db, orderId),
    async autoCapture() {
      try {
        return await capturePayment(
          deps,
          orderId,
          { provider: "manual", method: "other", reference: "auto-capture" },
          null,
          meta,
          await derivedId("pay", orderId, "auto-capture"),
        );
      } catch (err) {
        // 409s are outcomes recorded on the order: declined (still pending), or over (stock gone, cancelled).
        if (!(err instanceof AppError && err.status === 409)) throw err;
        return (await findOrder(db, orderId))?.status === "pending" ? "declined" : "over";
      }
    },
    commit: (payment) => publishing(completePayment(deps, orderId, payment, meta, verifyReviews)),
    expire: () => publishing(expireOrder(deps, orderId)),
    async issueInvoice() {
      const invoice = await publishing(ensureInvoice(db, orderId, meta));
      return invoice?.id ?? null;
    },
    async notify(type) {
      const event = await latestEventOf(db, orderId, type);
      if (event) await recordOrderNotification(db, event);
    },
  };
}
