import { z } from "@hono/zod-openapi";
import { RECEIPT_CONDITIONS, RETURN_REASONS, RETURN_STATUSES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { OrderLineSchema } from "../orders";

const ProductId = z.string().min(1).max(64).openapi({ description: "Product id (`prd_…`): the order line to return." });
const Note = z.string().trim().min(1).max(1000);
const isoDate = z.iso.datetime({ offset: true });

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .openapi({ description: "Required. Repeats with the same body replay the first answer." }),
});

/** At most 100 lines: an order has at most 100. */
export const OpenReturnSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: ProductId,
          qty: z.number().int().min(1).max(1000),
          reason: z.enum(RETURN_REASONS),
        }),
      )
      .min(1)
      .max(100),
    note: Note.optional(),
  })
  .openapi("OpenReturn");

export type OpenReturnInput = z.infer<typeof OpenReturnSchema>;

export const ReturnNoteSchema = z.strictObject({ note: Note.optional() }).openapi("ReturnNote");
export const RejectReturnSchema = z.strictObject({ reason: Note }).openapi("RejectReturn");

export const ReceiveReturnSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: ProductId,
          qty: z.number().int().min(1).max(1000),
          condition: z.enum(RECEIPT_CONDITIONS).openapi({
            description:
              "`restock`: back into on-hand stock; `damaged` / `quarantine`: into that stock state; `missing`: did not arrive, nothing moves.",
          }),
          location_id: z.string().min(1).max(64).optional().openapi({
            description:
              "Where the units go (an active `loc_…`); the default location when omitted. Not for `missing`.",
          }),
        }),
      )
      .min(1)
      .max(400)
      .openapi({ description: "Every unit of every line, once: the quantities of a line add up to its qty." }),
    note: Note.optional(),
  })
  .openapi("ReceiveReturn");

export type ReceiveReturnInput = z.infer<typeof ReceiveReturnSchema>;

export const RefundReturnSchema = z
  .strictObject({
    restocking_fee: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .default(0)
      .openapi({ description: "Kept back from the refund, in minor units." }),
    reason: Note.optional(),
  })
  .openapi("RefundReturn");

export type RefundReturnInput = z.infer<typeof RefundReturnSchema>;

export const ListReturnsQuery = pageQuery.extend({
  status: z.enum(RETURN_STATUSES).optional(),
  customer_id: z.string().max(64).optional().openapi({ description: "Staff only; customers always see their own." }),
  order_id: z.string().max(64).optional(),
  product_id: z.string().max(64).optional().openapi({ description: "Returns with a line of this product." }),
  created_from: isoDate.optional().openapi({ description: "Inclusive." }),
  created_to: isoDate.optional().openapi({ description: "Exclusive." }),
});

export type ReturnListQuery = z.infer<typeof ListReturnsQuery>;

const ReceiptSchema = z.object({
  qty: z.number().int(),
  condition: z.enum(RECEIPT_CONDITIONS),
  location_id: z.string().nullable(),
  movement_id: z.string().nullable(),
});

export const ReturnLineSchema = OrderLineSchema.pick({
  product_id: true,
  sku: true,
  name: true,
  unit_price: true,
  qty: true,
})
  .extend({
    reason: z.enum(RETURN_REASONS),
    received: z.array(ReceiptSchema).openapi({ description: "What arrived, once the return is received." }),
  })
  .openapi("ReturnLine");

export const ReturnSchema = z
  .object({
    id: z.string().openapi({ description: "Return id (`ret_…`)." }),
    order_id: z.string(),
    customer_id: z.string().nullable(),
    status: z.enum(RETURN_STATUSES),
    note: z.string().nullable(),
    decision_reason: z
      .string()
      .nullable()
      .openapi({ description: "The latest staff note: why it was approved, rejected, received as it was or closed." }),
    refund_id: z.string().nullable(),
    restocking_fee: z.number().int(),
    currency: z.string(),
    lines: z.array(ReturnLineSchema),
    version: z.number().int(),
    created_at: z.string(),
    approved_at: z.string().nullable(),
    rejected_at: z.string().nullable(),
    received_at: z.string().nullable(),
    refunded_at: z.string().nullable(),
    closed_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("Return");

export type ReturnView = z.infer<typeof ReturnSchema>;

export const ReturnPage = pageSchema(ReturnSchema).openapi("ReturnPage");
export const ReturnList = z.object({ data: z.array(ReturnSchema) }).openapi("OrderReturns");

/** What an order's detail shows of each of its returns (`toReturnSummaries`). */
export const OrderReturnSchema = z
  .object({
    id: z.string(),
    status: z.enum(RETURN_STATUSES),
    refund_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("OrderReturn");
