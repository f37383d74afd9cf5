import { z } from "@hono/zod-openapi";
import { AddressSchema, OrderLineInput } from "../../modules/orders";
import { PaymentInputSchema } from "../../modules/payments";

export const DirectSaleSchema = z
  .strictObject({
    lines: z.array(OrderLineInput).min(1).max(100),
    customer_id: z.string().min(1).max(64).optional().openapi({ description: "Omit for a walk-in sale." }),
    payment: PaymentInputSchema,
    customer_note: z.string().trim().max(2000).optional(),
    billing_address: AddressSchema.optional(),
  })
  .openapi("DirectSale");

export type DirectSaleInput = z.infer<typeof DirectSaleSchema>;
