export type { PaymentProvider, PaymentProviders } from "./provider";
export { paymentProviders, providerFor } from "./registry";
export { type PaymentInput, PaymentInputSchema, PaymentSchema, splitPaymentInput } from "./schemas";
