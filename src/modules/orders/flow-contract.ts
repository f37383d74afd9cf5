/*
 * What this module and the order's workflow (src/flows/order-flow/, bound as
 * ORDER_FLOW) say to each other. The module only ever reaches the workflow through its
 * binding, by the order id (the instance id); the names here are part of running
 * instances' history, so they never change.
 */
import type { LineAvailability } from "./holds";

export interface OrderFlowParams {
  order_id: string;
}

/** The binding as the module uses it (tests pass one that records instead of running). */
export type OrderFlowBinding = Pick<Workflow<OrderFlowParams>, "create" | "createBatch" | "get">;

/** The one event type an order waits on until it is paid: a captured payment, or its end without one. */
export const PAYMENT_EVENT = "payment";

export type PaymentEvent =
  | {
      kind: "payment";
      payment_id: string;
      /** The provider's reference when the capture answered; null when the flow must capture (again) itself. */
      provider_ref: string | null;
    }
  | { kind: "cancelled" };

export type CapturedPayment = Extract<PaymentEvent, { kind: "payment" }>;

/** The workflow step that commits the stock of a captured payment and marks the order paid. */
export const COMMIT_STEP = "commit-stock";

/** What the commit step ends in, for one payment. */
export type CommitOutcome =
  | { payment_id: string; result: "paid" }
  | { payment_id: string; result: "declined"; code: string; message: string }
  | { payment_id: string; result: "cancelled"; shortage: LineAvailability[] };

/** An instance's status as the Workflows API reports it, or `not_started` when there is none yet. */
export const FLOW_STATUSES = [
  "queued",
  "running",
  "paused",
  "errored",
  "terminated",
  "complete",
  "waiting",
  "waitingForPause",
  "rollingBack",
  "unknown",
  "not_started",
] as const;
