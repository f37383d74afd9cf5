import type { PaymentProvider } from "./provider";

/**
 * Money taken outside Stockroom (cash at the counter, a card terminal, a bank
 * transfer) or simulated in development: the capture is recorded, never refused.
 * Its reference is derived from our own ids, so repeats give the same answer.
 */
export const manualProvider: PaymentProvider = {
  name: "manual",
  staffOnly: true,
  async capture(request) {
    return { status: "succeeded", providerRef: `manual_${request.paymentId}` };
  },
  async refund(request) {
    return { status: "succeeded", providerRef: `manual_${request.refundId}` };
  },
};
