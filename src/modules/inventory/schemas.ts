import { z } from "@hono/zod-openapi";
import { ADJUSTMENT_REASONS, MOVEMENT_REASONS } from "../../durable/inventory/types";
import { pageQuery, pageSchema } from "../../lib/pagination";

const productId = z.string().min(1).max(64);
const qty = z.number().int().min(1).max(1_000_000);

export const StockLevelSchema = z
  .object({
    product_id: z.string(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    version: z.number().int(),
    updated_at: z.string().nullable(),
  })
  .openapi("StockLevel");

export const MovementSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    reason: z.enum(MOVEMENT_REASONS),
    delta_on_hand: z.number().int(),
    delta_reserved: z.number().int(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    version: z.number().int(),
    reservation_id: z.string().nullable(),
    reference: z.string().nullable(),
    note: z.string().nullable(),
    actor: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("StockMovement");

export const AdjustmentSchema = z
  .strictObject({
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((d) => d !== 0, "Must not be zero"),
    reason: z.enum(ADJUSTMENT_REASONS),
    note: z.string().max(500).optional(),
    reference: z.string().max(120).optional(),
  })
  .openapi("StockAdjustment");

export const AdjustmentResultSchema = z
  .object({ movement: MovementSchema, level: StockLevelSchema })
  .openapi("StockAdjustmentResult");

export const SetCountSchema = z
  .strictObject({
    on_hand: z.number().int().min(0).max(100_000_000),
    expected_version: z.number().int().min(0).optional(),
    note: z.string().max(500).optional(),
  })
  .openapi("StockCount");

export const BatchAdjustmentSchema = z
  .strictObject({
    lines: z
      .array(AdjustmentSchema.extend({ product_id: productId }))
      .min(1)
      .max(500),
  })
  .openapi("StockAdjustmentBatch");

export const BatchResultSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        product_id: z.string(),
        ok: z.boolean(),
        movement_id: z.string().nullable(),
        level: StockLevelSchema.nullable(),
        error: z.object({ code: z.string(), detail: z.string() }).nullable(),
      }),
    ),
    applied: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("StockAdjustmentBatchResult");

export const CheckSchema = z
  .strictObject({
    lines: z
      .array(z.strictObject({ product_id: productId, qty }))
      .min(1)
      .max(100),
  })
  .openapi("StockCheck");

export const CheckResultSchema = z
  .object({
    lines: z.array(
      z.object({ product_id: z.string(), requested: z.number().int(), available: z.number().int(), ok: z.boolean() }),
    ),
    ok: z.boolean(),
  })
  .openapi("StockCheckResult");

export const ManyProductsQuery = z.object({
  product_id: z
    .union([productId, z.array(productId)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(productId).min(1).max(100))
    .openapi({ description: "Repeat for many products (at most 100)." }),
});

export const InventoryListQuery = pageQuery.extend({
  low_stock: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
  product_id: z
    .union([productId, z.array(productId)])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
    .pipe(z.array(productId).max(100).optional()),
  category_id: z.string().max(64).optional(),
});

export const InventoryItemSchema = z
  .object({
    product_id: z.string(),
    sku: z.string(),
    name: z.string(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    version: z.number().int(),
    low_stock_threshold: z.number().int().nullable(),
    low_stock: z.boolean(),
    updated_at: z.string().nullable(),
  })
  .openapi("InventoryItem");

export const InventoryPage = pageSchema(InventoryItemSchema).openapi("InventoryPage");

export const MovementsQuery = pageQuery.extend({
  reason: z
    .union([z.enum(MOVEMENT_REASONS), z.array(z.enum(MOVEMENT_REASONS))])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
  created_from: z.iso.datetime().optional(),
  created_to: z.iso.datetime().optional(),
});

export const MovementPage = pageSchema(MovementSchema).openapi("StockMovementPage");
