import { z } from "@hono/zod-openapi";
import { ADJUSTMENT_REASONS, MOVEMENT_REASONS, STATE_REASONS, UNIT_STATES } from "../../durable/inventory/types";
import { orNull } from "../../lib/openapi";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { LISTED_STATES } from "./current-inventory";

const productId = z.string().min(1).max(64);
const qty = z.number().int().min(1).max(1_000_000);
const count = z.number().int();
/** The most units a count (or a safety stock) may set. */
export const MAX_COUNTED = 100_000_000;
export const LocationIdField = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: "Location id (`loc_…`); the default location (`MAIN`) when left out." });

const buckets = {
  on_hand: count.openapi({
    description: "Units physically at the location (including reserved, damaged, quarantine).",
  }),
  reserved: count.openapi({ description: "Of on_hand: held by orders." }),
  damaged: count.openapi({ description: "Of on_hand: damaged, not for sale." }),
  quarantine: count.openapi({ description: "Of on_hand: in quality control, not for sale." }),
  safety_stock: count.openapi({ description: "Withheld from sale (a setting per location)." }),
  incoming: count.openapi({ description: "Expected on transfers in transit, not yet on hand." }),
  out: count.openapi({ description: "Out on returnable dispatches, not back yet." }),
  available: count.openapi({ description: "on_hand − reserved − damaged − quarantine − safety_stock, at least 0." }),
};

export const LocationLevelSchema = z
  .object({ location_id: z.string(), ...buckets, version: count, updated_at: z.string().nullable() })
  .openapi("LocationStockLevel");

export const StockLevelSchema = z
  .object({
    product_id: z.string(),
    ...buckets,
    version: count.openapi({ description: "Moves with every change at any location." }),
    updated_at: z.string().nullable(),
    locations: z.array(LocationLevelSchema),
  })
  .openapi("StockLevel");

export const LevelQuery = z.object({
  location_id: LocationIdField.optional().openapi({ description: "Only this location in `locations`." }),
});

export const MovementSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    location_id: z.string(),
    operation_id: z.string().openapi({ description: "The operation (adjustment, transfer step…) it belongs to." }),
    reason: z.enum(MOVEMENT_REASONS),
    delta_on_hand: count,
    delta_reserved: count,
    delta_damaged: count,
    delta_quarantine: count,
    delta_incoming: count,
    delta_out: count,
    on_hand: count,
    reserved: count,
    damaged: count,
    quarantine: count,
    incoming: count,
    out: count,
    version: count.openapi({ description: "The location's version after the movement." }),
    reservation_id: z.string().nullable(),
    reference: z.string().nullable(),
    note: z.string().nullable(),
    actor: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("StockMovement");

/** Reasons that say which way the units went: stock that arrives adds, stock that is damaged or lost takes away. */
const REASON_SIGN: Partial<Record<(typeof ADJUSTMENT_REASONS)[number], 1 | -1>> = {
  received: 1,
  found: 1,
  returned: 1,
  damaged: -1,
  lost: -1,
};

function deltaFitsReason(line: { delta: number; reason: (typeof ADJUSTMENT_REASONS)[number] }, ctx: z.RefinementCtx) {
  const sign = REASON_SIGN[line.reason];
  if (sign !== undefined && Math.sign(line.delta) !== sign) {
    ctx.addIssue({
      code: "custom",
      path: ["delta"],
      message: `A ${line.reason} adjustment ${sign > 0 ? "adds" : "takes away"} units: the delta must be ${sign > 0 ? "positive" : "negative"}`,
    });
  }
}

export const AdjustmentSchema = z
  .strictObject({
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((d) => d !== 0, "Must not be zero"),
    reason: z.enum(ADJUSTMENT_REASONS),
    location_id: LocationIdField.optional(),
    note: z.string().max(500).optional(),
    reference: z.string().max(120).optional(),
  })
  .superRefine(deltaFitsReason)
  .openapi("StockAdjustment");

export const AdjustmentResultSchema = z
  .object({ movement: MovementSchema, level: StockLevelSchema })
  .openapi("StockAdjustmentResult");

export const SetCountSchema = z
  .strictObject({
    on_hand: z.number().int().min(0).max(MAX_COUNTED),
    location_id: LocationIdField.optional(),
    expected_version: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: "The location's version the count was taken against (its ETag)." }),
    note: z.string().max(500).optional(),
  })
  .openapi("StockCount");

export const BatchAdjustmentSchema = z
  .strictObject({
    lines: z
      // A new closed object, not `extend`: the document would render that as allOf of two
      // closed objects, which no line could satisfy.
      .array(z.strictObject({ ...AdjustmentSchema.shape, product_id: productId }).superRefine(deltaFitsReason))
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
        level: orNull(StockLevelSchema),
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
    location_id: LocationIdField.optional().openapi({
      description: "Check this location only; otherwise every location that fulfils orders.",
    }),
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
  location_id: LocationIdField.optional().openapi({ description: "Availability at this location only." }),
  product_id: z
    // The bound on the array itself too, so the document says it (maxItems).
    .union([productId, z.array(productId).max(100)])
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
    .union([productId, z.array(productId).max(100)])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
    .pipe(z.array(productId).max(100).optional())
    .openapi({ description: "Only these products (repeat the parameter, at most 100)." }),
  category_id: z.string().max(64).optional(),
  location_id: LocationIdField.optional().openapi({ description: "That location's numbers instead of the totals." }),
  state: z
    .enum(LISTED_STATES)
    .optional()
    .openapi({ description: "Only products with units in this state, e.g. `damaged`." }),
});

export const InventoryItemSchema = z
  .object({
    product_id: z.string(),
    sku: z.string(),
    name: z.string(),
    location_id: z.string().nullable(),
    ...buckets,
    version: z.number().int(),
    low_stock_threshold: z.number().int().nullable(),
    low_stock: z.boolean(),
    updated_at: z.string().nullable(),
  })
  .openapi("InventoryItem");

export const InventoryPage = pageSchema(InventoryItemSchema).openapi("InventoryPage");

export const MovementsQuery = pageQuery.extend({
  reason: z
    .union([z.enum(MOVEMENT_REASONS), z.array(z.enum(MOVEMENT_REASONS)).max(MOVEMENT_REASONS.length * 4)])
    .optional()
    // Repeats add nothing to the filter (and each would bind a parameter): one of each is kept.
    .transform((v) => (v === undefined ? undefined : [...new Set(Array.isArray(v) ? v : [v])]))
    .openapi({ description: "Only movements with these reasons (repeat the parameter for several)." }),
  location_id: LocationIdField.optional().openapi({ description: "Only movements at this location." }),
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
});

export const MovementPage = pageSchema(MovementSchema).openapi("StockMovementPage");

export const StateChangeSchema = z
  .strictObject({
    location_id: LocationIdField.optional(),
    from: z.enum([...UNIT_STATES, "external"]).openapi({
      description:
        "`sellable` (on hand, in no other state), `damaged`, `quarantine`, `out`, or `external` for units arriving.",
    }),
    to: z.enum([...UNIT_STATES, "written_off"]),
    qty,
    reason: z
      .enum([...STATE_REASONS, ...ADJUSTMENT_REASONS])
      .optional()
      .openapi({ description: "Defaults from the pair: `marked_damaged`, `quarantined`, `written_off`…" }),
    note: z.string().max(500).optional(),
    reference: z.string().max(120).optional(),
  })
  .openapi("StockStateChange");

export const SafetyStockSchema = z
  .strictObject({ location_id: LocationIdField.optional(), safety_stock: z.number().int().min(0).max(MAX_COUNTED) })
  .openapi("SafetyStock");
