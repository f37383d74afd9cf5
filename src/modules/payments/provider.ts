/*
 * The payment seam. A provider captures the money for one order and gives it back;
 * the orders module never talks to a payment service any other way, so a Stripe
 * adapter slots in as one more entry in the registry.
 *
 * Contract for adapters:
 * - `paymentId` and `refundId` are idempotency keys: asking again with the same id
 *   returns the first outcome and never moves money twice (a crashed payment is resumed
 *   by repeating the call).
 * - A refusal (card declined, refund refused) is returned as a value; a thrown error
 *   means "outcome unknown, try again later".
 * - Refunding a payment the provider never captured succeeds as a no-op, because a
 *   resumed payment cannot always know whether its first capture got through.
 */
export interface CaptureRequest {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  /** Provider-specific request details, as validated by the provider's input schema. */
  details: Record<string, unknown>;
}

export type CaptureResult =
  | { status: "succeeded"; providerRef: string }
  | { status: "declined"; code: string; message: string };

export interface RefundRequest {
  refundId: string;
  paymentId: string;
  providerRef: string | null;
  amount: number;
  currency: string;
  reason: string;
}

export type RefundResult = { status: "succeeded"; providerRef: string } | { status: "failed"; message: string };

export interface PaymentProvider {
  readonly name: string;
  /** Whether only staff and secret API keys may use it (true for anything that merely records money). */
  readonly staffOnly: boolean;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export type PaymentProviders = Readonly<Record<string, PaymentProvider>>;
