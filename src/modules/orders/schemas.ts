import { z } from "@hono/zod-openapi";
import { CAPTURE_MODES, ORDER_SOURCES, ORDER_STATUSES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { AddressSchema } from "../../lib/schemas";
import { PaymentSchema } from "../payments";

const ProductId = z.string().min(1).max(64).openapi({ description: "Product id (`prd_…`)" });

export { AddressSchema };

export const OrderLineInput = z.strictObject({
  product_id: ProductId,
  qty: z.number().int().min(1).max(1000),
});

export const CheckoutSchema = z
  .strictObject({
    lines: z
      .array(OrderLineInput)
      .min(1)
      .max(100)
      .openapi({ description: "At most 100 lines; lines naming the same product are merged." }),
    customer_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Required for staff and API keys; customers order for themselves." }),
    customer_note: z.string().trim().max(2000).optional(),
    shipping_address: AddressSchema.optional(),
    billing_address: AddressSchema.optional(),
    capture: z
      .enum(CAPTURE_MODES)
      .optional()
      .openapi({ description: "Staff and API keys only; defaults to the `order_auto_capture` setting." }),
  })
  .openapi("Checkout");

export type CheckoutInput = z.infer<typeof CheckoutSchema>;

const LocationQty = z.object({ location_id: z.string(), qty: z.number().int() });

export const FulfilSchema = z
  .strictObject({
    reason: z.string().trim().min(1).max(500).optional(),
    location_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Fulfil what is allocated at this location; without it, everything left, anywhere." }),
    lines: z
      .array(z.strictObject({ product_id: ProductId, qty: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "With `location_id`: these units only (default: all left there)." }),
  })
  .openapi("OrderFulfilment");

export const ReasonSchema = z
  .strictObject({ reason: z.string().trim().min(1).max(500).optional() })
  .openapi("ActionReason");

export const RefundSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: ProductId,
          qty: z.number().int().min(1).max(1000),
          restock: z.boolean().openapi({ description: "Put the units back on the shelf (a `restock` movement)." }),
        }),
      )
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Omitted: everything not yet refunded, without restocking." }),
    reason: z.string().trim().min(1).max(500),
  })
  .openapi("Refund");

export type RefundInput = z.infer<typeof RefundSchema>;

const MetadataValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export const PatchOrderSchema = z
  .strictObject({
    staff_note: z.string().trim().max(5000).nullable().optional(),
    metadata: z
      .record(z.string().min(1).max(40), MetadataValue)
      .refine((m) => Object.keys(m).length <= 50, "At most 50 keys")
      .optional()
      .openapi({ description: "Replaces the whole metadata object." }),
  })
  .refine((v) => v.staff_note !== undefined || v.metadata !== undefined, "Send staff_note or metadata")
  .openapi("OrderPatch");

const isoDate = z.iso.datetime({ offset: true });

export const ListOrdersQuery = pageQuery.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  customer_id: z.string().max(64).optional(),
  product_id: z.string().max(64).optional().openapi({ description: "Orders with a line of this product." }),
  created_from: isoDate.optional().openapi({ description: "Inclusive." }),
  created_to: isoDate.optional().openapi({ description: "Exclusive." }),
});

export const OrderLineSchema = z
  .object({
    product_id: z.string(),
    sku: z.string(),
    name: z.string(),
    unit_price: z.number().int(),
    qty: z.number().int(),
    line_total: z.number().int(),
    refunded_qty: z.number().int(),
    allocations: z
      .array(LocationQty)
      .openapi({ description: "Where the line's units are held or were sold from, per location." }),
    fulfilled: z.array(LocationQty).openapi({ description: "Units fulfilled so far, per location." }),
    fulfilled_qty: z.number().int(),
  })
  .openapi("OrderLine");

export const OrderSchema = z
  .object({
    id: z.string(),
    status: z.enum(ORDER_STATUSES),
    source: z.enum(ORDER_SOURCES),
    customer_id: z.string().nullable(),
    currency: z.string(),
    subtotal: z.number().int().openapi({ description: "Minor units, like every amount." }),
    tax_rate_bps: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
    refunded_subtotal: z.number().int(),
    refunded_tax: z.number().int(),
    refunded_total: z.number().int(),
    capture_mode: z.enum(CAPTURE_MODES),
    customer_note: z.string().nullable(),
    staff_note: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    shipping_address: AddressSchema.nullable(),
    billing_address: AddressSchema.nullable(),
    expires_at: z.string().openapi({ description: "A pending order is cancelled (`expired`) after this." }),
    paid_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    cancel_reason: z.string().nullable(),
    refunded_at: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Order");

export const OrderPage = pageSchema(OrderSchema).openapi("OrderPage");

const RefundViewSchema = z
  .object({
    id: z.string(),
    reason: z.string(),
    subtotal: z.number().int(),
    tax: z.number().int(),
    restocking_fee: z
      .number()
      .int()
      .openapi({ description: "Kept back from the money: amount = subtotal + tax − fee." }),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    provider_ref: z.string().nullable(),
    lines: z.array(
      z.object({ product_id: z.string(), qty: z.number().int(), restock: z.boolean(), amount: z.number().int() }),
    ),
    created_at: z.string(),
  })
  .openapi("OrderRefund");

/** The order's own part of its detail; the order detail flow adds its invoices and returns (`OrderDetail`). */
export const OrderCoreSchema = OrderSchema.extend({
  lines: z.array(OrderLineSchema),
  status_history: z.array(
    z.object({
      from: z.enum(ORDER_STATUSES).nullable(),
      to: z.enum(ORDER_STATUSES),
      reason: z.string().nullable(),
      actor_type: z.string(),
      actor_id: z.string().nullable(),
      at: z.string(),
    }),
  ),
  reservations: z
    .array(
      z.object({
        product_id: z.string(),
        reservation_id: z.string(),
        state: z.enum(["held", "committed", "released", "expired", "unknown"]),
        qty: z.number().int(),
        expires_at: z.string().nullable(),
      }),
    )
    .openapi({ description: "Read from the stock objects: the hold (or sale) behind each line." }),
  payments: z.array(PaymentSchema),
  refunds: z.array(RefundViewSchema),
});

export type OrderCore = z.infer<typeof OrderCoreSchema>;
