/*
 * An order's life from checkout until it is paid or has expired, as a Cloudflare
 * Workflow: one instance per order, the order id as instance id (so starting it twice
 * is harmless). Checkout starts it right after its batch commits.
 *
 *   load-order → notify-received → await-payment ─(payment)→ commit-stock → issue-invoice → notify
 *                                        └─(hold's expiry)→ expire
 *
 * - `await-payment` waits for the `payment` event until the checkout holds expire;
 *   with automatic capture it captures at once instead. `POST /v1/orders/{id}/pay`
 *   claims and captures in the request and sends the event; a declined payment never
 *   reaches the flow, which keeps waiting.
 * - `commit-stock` commits the holds and marks the order paid (`order.paid`); if the
 *   stock is gone the order is cancelled and refunded. A decline met here (a payment
 *   whose request died before its capture answered) waits for another payment.
 * - `expire` cancels the unpaid order (`expired`, `order.cancelled`) and releases its
 *   holds, unless a payment claimed the order first: that payment is then committed
 *   by the flow itself (capturing again under the same payment id if need be), which
 *   is how a payment whose request died is finished.
 * Step names are part of running instances' history: they never change. Every step
 * is idempotent (./steps.ts), so retries and replays do nothing twice.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import {
  type CapturedPayment,
  COMMIT_STEP,
  type OrderFlowParams,
  PAYMENT_EVENT,
  type PaymentEvent,
} from "../../modules/orders";
import { orderFlowSteps } from "./steps";

/** D1 and the stock objects fail transiently; five tries over about two and a half minutes, then the instance errors for staff. */
const RETRIED: WorkflowStepConfig = {
  retries: { limit: 5, delay: "5 seconds", backoff: "exponential" },
  timeout: "1 minute",
};

export type FlowOutcome = "paid" | "expired" | "cancelled" | "over";

export class OrderFlow extends WorkflowEntrypoint<Env, OrderFlowParams> {
  override async run(
    event: Readonly<WorkflowEvent<OrderFlowParams>>,
    step: WorkflowStep,
  ): Promise<{ outcome: FlowOutcome }> {
    const steps = orderFlowSteps(this.env, event.payload.order_id);
    const start = await step.do("load-order", RETRIED, () => steps.start());
    // Paid, cancelled or gone before the flow ran (a late start by the sweep): nothing to carry.
    if (start === null || (start.status !== "pending" && start.status !== "paying")) return { outcome: "over" };
    await step.do("notify-received", RETRIED, () => steps.notify("order.created"));

    let payment: CapturedPayment | null = start.pending_payment_id
      ? { kind: "payment", payment_id: start.pending_payment_id, provider_ref: null }
      : null;
    if (payment === null && start.capture_mode === "automatic") {
      const captured = await step.do("await-payment", RETRIED, () => steps.autoCapture());
      if (captured === "over") return { outcome: "cancelled" };
      if (captured !== "declined") payment = captured;
    }
    for (;;) {
      if (payment === null) {
        const waited = await awaitPayment(step, start.expires_at);
        if (waited === "cancelled") return { outcome: "cancelled" };
        if (waited === "timeout") {
          const expiry = await step.do("expire", RETRIED, () => steps.expire());
          if (expiry === "expired") return { outcome: "expired" };
          if (expiry === "over") return { outcome: "over" };
          payment = expiry;
        } else {
          payment = waited;
        }
      }
      const claimed: CapturedPayment = payment;
      const outcome = await step.do(COMMIT_STEP, RETRIED, () => steps.commit(claimed));
      if (outcome.result === "paid") break;
      if (outcome.result === "cancelled") return { outcome: "cancelled" };
      // Declined: the order is pending again and waits for another payment until the hold's expiry.
      payment = null;
    }
    await step.do("issue-invoice", RETRIED, () => steps.issueInvoice());
    await step.do("notify", RETRIED, () => steps.notify("order.paid"));
    return { outcome: "paid" };
  }
}

/**
 * Waits for the order's payment until the holds' expiry. The timeout is computed once:
 * Workflows keeps the wait's deadline, so a replay of this wait resumes it. A wait
 * whose deadline has passed (a late start) times out at once.
 */
async function awaitPayment(step: WorkflowStep, expiresAt: string): Promise<CapturedPayment | "cancelled" | "timeout"> {
  try {
    const received = await step.waitForEvent<PaymentEvent>("await-payment", {
      type: PAYMENT_EVENT,
      timeout: Math.max(1, Date.parse(expiresAt) - Date.now()),
    });
    return received.payload.kind === "cancelled" ? "cancelled" : received.payload;
  } catch (err) {
    if (isTimeout(err)) return "timeout";
    throw err;
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === "WorkflowTimeoutError" || /timed out/i.test(err.message));
}
