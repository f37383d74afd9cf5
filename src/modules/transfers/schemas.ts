import { z } from "@hono/zod-openapi";
import { TRANSFER_STATUSES, type transferLines, type transfers } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

const ProductId = z.string().min(1).max(64).openapi({ description: "Product id (`prd_…`)" });
const LocationId = z.string().min(1).max(64).openapi({ description: "Location id (`loc_…`)" });
const Qty = z.number().int().min(1).max(1_000_000);

export const TransferLineSchema = z
  .object({
    product_id: z.string(),
    qty: z.number().int().openapi({ description: "Units asked for." }),
    shipped: z.number().int().openapi({ description: "Units that left the origin." }),
    received: z.number().int(),
    lost: z.number().int().openapi({ description: "Written off as lost in transit." }),
    in_transit: z.number().int(),
  })
  .openapi("TransferLine");

export const TransferSchema = z
  .object({
    id: z.string(),
    from_location_id: z.string(),
    to_location_id: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    note: z.string().nullable(),
    created_by: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    shipped_at: z.string().nullable(),
    received_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    lines: z.array(TransferLineSchema),
  })
  .openapi("Transfer");
export type TransferView = z.infer<typeof TransferSchema>;

export type TransferRow = typeof transfers.$inferSelect;
export type TransferLineRow = typeof transferLines.$inferSelect;

export function toTransferView(row: TransferRow, lines: TransferLineRow[]): TransferView {
  return {
    id: row.id,
    from_location_id: row.fromLocationId,
    to_location_id: row.toLocationId,
    status: row.status,
    note: row.note,
    created_by: row.createdBy,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    shipped_at: row.shippedAt,
    received_at: row.receivedAt,
    cancelled_at: row.cancelledAt,
    lines: lines.map((l) => ({
      product_id: l.productId,
      qty: l.qty,
      shipped: l.shipped,
      received: l.received,
      lost: l.lost,
      in_transit: l.shipped - l.received - l.lost,
    })),
  };
}

export const CreateTransferSchema = z
  .strictObject({
    from_location_id: LocationId,
    to_location_id: LocationId,
    lines: z
      .array(z.strictObject({ product_id: ProductId, qty: Qty }))
      .min(1)
      .max(100)
      .openapi({ description: "At most 100 lines, one per product." }),
    note: z.string().max(500).optional(),
  })
  .openapi("CreateTransfer");

export const ReceiveTransferSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: ProductId,
          received: z.number().int().min(0).max(1_000_000).default(0),
          lost: z
            .number()
            .int()
            .min(0)
            .max(1_000_000)
            .default(0)
            .openapi({ description: "Units written off as lost in transit." }),
        }),
      )
      .min(1)
      .max(100),
    note: z.string().max(500).optional(),
  })
  .openapi("ReceiveTransfer");

export const LineResultSchema = z.object({
  product_id: z.string(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
});

export const TransferStepResultSchema = z
  .object({ transfer: TransferSchema, results: z.array(LineResultSchema) })
  .openapi("TransferStepResult");

export const ListTransfersQuery = pageQuery.extend({
  status: z.enum(TRANSFER_STATUSES).optional(),
  from_location_id: LocationId.optional(),
  to_location_id: LocationId.optional(),
  product_id: ProductId.optional(),
});

export const TransferPage = pageSchema(TransferSchema).openapi("TransferPage");
