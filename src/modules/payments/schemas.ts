import { z } from "@hono/zod-openapi";

export const MANUAL_METHODS = ["cash", "card", "bank_transfer", "cheque", "other"] as const;

const ManualPaymentSchema = z
  .strictObject({
    provider: z.literal("manual"),
    method: z.enum(MANUAL_METHODS).default("other").openapi({ description: "How the money was taken." }),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Till receipt, terminal slip, transfer reference…" }),
  })
  .openapi("ManualPayment", {
    description: "Money taken outside Stockroom, or simulated. Staff and secret keys only.",
  });

/** One member per provider; a Stripe adapter adds `{ provider: "stripe", payment_method: … }`. */
export const PaymentInputSchema = z.discriminatedUnion("provider", [ManualPaymentSchema]).openapi("PaymentInput");

export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/** The provider name and the details the provider keeps (everything but the name). */
export function splitPaymentInput(input: PaymentInput): { provider: string; details: Record<string, unknown> } {
  const { provider, ...details } = input;
  return { provider, details };
}

export const PaymentSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    details: z.record(z.string(), z.unknown()),
    amount: z.number().int().openapi({ description: "Minor units." }),
    currency: z.string(),
    status: z.enum(["pending", "succeeded", "declined", "failed"]),
    provider_ref: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Payment");
