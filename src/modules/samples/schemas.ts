import { z } from "@hono/zod-openapi";
import { SAMPLE_STATUSES, SAMPLE_TYPES, type samples } from "../../db/schema";
import { orNull } from "../../lib/openapi";
import { pageQuery, pageSchema } from "../../lib/pagination";

const Text = (max: number) => z.string().trim().min(1).max(max);
const Depth = z.number().min(0).max(20_000).openapi({ description: "Metres down the hole." });

export const SampleSchema = z
  .object({
    id: z.string().openapi({ example: "smp_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    number: z.string().openapi({ example: "S-000123" }),
    drillhole_id: z.string().nullable(),
    depth_from: z.number().nullable(),
    depth_to: z.number().nullable(),
    lot: z.string().nullable(),
    type: z.enum(SAMPLE_TYPES),
    weight_grams: z.number().nullable(),
    location_id: z.string().nullable(),
    status: z.enum(SAMPLE_STATUSES),
    dispatch_id: z.string().nullable().openapi({ description: "The dispatch it is out on, if any." }),
    notes: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Sample");
export type SampleView = z.infer<typeof SampleSchema>;
export type SampleRow = typeof samples.$inferSelect;

export function toSampleView(r: SampleRow): SampleView {
  return {
    id: r.id,
    number: r.number,
    drillhole_id: r.drillholeId,
    depth_from: r.depthFrom,
    depth_to: r.depthTo,
    lot: r.lot,
    type: r.type,
    weight_grams: r.weightGrams,
    location_id: r.locationId,
    status: r.status,
    dispatch_id: r.dispatchId,
    notes: r.notes,
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export const SampleHistoryEntry = z
  .object({
    dispatch_id: z.string(),
    dispatch_number: z.string(),
    company_id: z.string(),
    dispatched_at: z.string().nullable(),
    outcome: z.enum(["out", "returned", "consumed"]),
    return_id: z.string().nullable(),
    resolved_at: z.string().nullable(),
  })
  .openapi("SampleHistoryEntry");
export type SampleHistoryEntry = z.infer<typeof SampleHistoryEntry>;

export const SampleDetailSchema = SampleSchema.extend({
  history: z.array(SampleHistoryEntry).openapi({ description: "Every dispatch it went out on, oldest first." }),
}).openapi("SampleDetail");

export const CreateSampleSchema = z
  .strictObject({
    number: Text(64).openapi({ description: "Unique across all samples." }),
    drillhole_id: z.string().min(1).max(64).optional(),
    depth_from: Depth.optional(),
    depth_to: Depth.optional(),
    lot: Text(64).optional().openapi({ description: "For samples not cut from a hole." }),
    type: z.enum(SAMPLE_TYPES),
    weight_grams: z.number().positive().max(1_000_000).nullable().optional(),
    location_id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Where it is kept; the default location if left out." }),
    notes: Text(2000).nullable().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.drillhole_id === undefined) {
      if (s.lot === undefined) ctx.addIssue({ code: "custom", path: ["lot"], message: "Give a drillhole_id or a lot" });
      if (s.depth_from !== undefined || s.depth_to !== undefined) {
        ctx.addIssue({ code: "custom", path: ["depth_from"], message: "Depths need a drillhole_id" });
      }
      return;
    }
    if (s.depth_from === undefined || s.depth_to === undefined) {
      ctx.addIssue({ code: "custom", path: ["depth_to"], message: "A hole sample needs depth_from and depth_to" });
    } else if (s.depth_from >= s.depth_to) {
      ctx.addIssue({ code: "custom", path: ["depth_to"], message: "Must be greater than depth_from" });
    }
  })
  .openapi("CreateSample");
export type CreateSampleInput = z.infer<typeof CreateSampleSchema>;

export const SAMPLES_PER_BATCH = 1000;

export const CreateSampleBatchSchema = z
  .strictObject({ samples: z.array(CreateSampleSchema).min(1).max(SAMPLES_PER_BATCH) })
  .openapi("CreateSampleBatch");

const RowError = z.object({
  code: z.string(),
  field: z.string().openapi({ description: "The field of the row that is refused." }),
  detail: z.string(),
  clashing_sample: z.object({ id: z.string(), number: z.string() }).nullable(),
});
export type RowError = z.infer<typeof RowError>;

export const SampleBatchResultSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        ok: z.boolean(),
        sample: orNull(SampleSchema),
        error: RowError.nullable(),
      }),
    ),
    created: z.number().int(),
    failed: z.number().int(),
  })
  .openapi("SampleBatchResult");
export type SampleBatchResult = z.infer<typeof SampleBatchResultSchema>;

export const UpdateSampleSchema = z
  .strictObject({
    number: Text(64).optional(),
    depth_from: Depth.optional(),
    depth_to: Depth.optional(),
    type: z.enum(SAMPLE_TYPES).optional(),
    weight_grams: z.number().positive().max(1_000_000).nullable().optional(),
    location_id: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .optional()
      .openapi({ description: "`null`: not kept at a location." }),
    notes: Text(2000).nullable().optional(),
    status: z
      .enum(["in_store", "disposed"])
      .optional()
      .openapi({ description: "Put a returned sample back in store, or dispose of one that is not out." }),
  })
  .openapi("UpdateSample");
export type UpdateSampleInput = z.infer<typeof UpdateSampleSchema>;

export const ListSamplesQuery = pageQuery.extend({
  drillhole_id: z.string().max(64).optional(),
  project_id: z.string().max(64).optional(),
  status: z.enum(SAMPLE_STATUSES).optional(),
  location_id: z.string().max(64).optional(),
  depth_min: z.coerce.number().min(0).optional().openapi({ description: "Samples reaching below this depth." }),
  depth_max: z.coerce.number().min(0).optional().openapi({ description: "Samples starting above this depth." }),
  number_prefix: z.string().min(1).max(64).optional(),
});
export type ListSamplesFilter = z.infer<typeof ListSamplesQuery>;

export const SamplePage = pageSchema(SampleSchema).openapi("SamplePage");
