import { z } from "@hono/zod-openapi";
import { DISPATCH_STATUSES, RETURN_CONDITIONS, SAMPLE_OUTCOMES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

const Text = (max: number) => z.string().trim().min(1).max(max);
const Id = z.string().min(1).max(64);

export const MAX_STOCK_LINES = 100;
export const MAX_SAMPLES = 1000;
export const MAX_LINE_QTY = 100_000;

const Address = z
  .strictObject({
    line1: Text(200).optional(),
    line2: Text(200).optional(),
    city: Text(100).optional(),
    region: Text(100).optional(),
    postal_code: Text(20).optional(),
    country: Text(60).optional(),
  })
  .openapi("DispatchAddress");

const StockLineInput = z.strictObject({ product_id: Id, qty: z.number().int().min(1).max(MAX_LINE_QTY) });

const headerFields = {
  destination: z
    .strictObject({ name: Text(200), address: Address.nullable().optional() })
    .openapi({ description: "Where it goes: the laboratory or site." }),
  carrier: Text(100).nullable().optional(),
  tracking_number: Text(100).nullable().optional(),
  expected_return_at: z.iso
    .datetime()
    .nullable()
    .optional()
    .openapi({ description: "Leave out for a dispatch that is not expected back." }),
  notes: Text(2000).nullable().optional(),
};

const contents = {
  lines: z.array(StockLineInput).max(MAX_STOCK_LINES).optional().openapi({ description: "Stock lines." }),
  samples: z.array(Id).max(MAX_SAMPLES).optional().openapi({ description: "Sample ids (`smp_…`)." }),
};

export const CreateDispatchSchema = z
  .strictObject({
    company_id: Id,
    project_id: Id.nullable().optional().openapi({ description: "Must be a project of the company." }),
    location_id: Id.optional().openapi({ description: "Where it leaves from; the default location if left out." }),
    ...headerFields,
    ...contents,
  })
  .openapi("CreateDispatch");
export type CreateDispatchInput = z.infer<typeof CreateDispatchSchema>;

export const UpdateDispatchSchema = z
  .strictObject({ ...headerFields, destination: headerFields.destination.optional(), ...contents })
  .openapi("UpdateDispatch", { description: "Lines and samples can change only while the dispatch is a draft." });
export type UpdateDispatchInput = z.infer<typeof UpdateDispatchSchema>;

export const ReturnSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: Id,
          qty: z.number().int().min(1).max(MAX_LINE_QTY),
          condition: z.enum(RETURN_CONDITIONS).openapi({
            description: "`good` back on hand, `damaged` into damaged stock, `consumed`/`lost` written off.",
          }),
        }),
      )
      .max(MAX_STOCK_LINES * RETURN_CONDITIONS.length)
      .optional(),
    samples: z
      .array(z.strictObject({ sample_id: Id, outcome: z.enum(SAMPLE_OUTCOMES) }))
      .max(MAX_SAMPLES)
      .optional(),
    note: Text(2000).optional(),
  })
  .refine((r) => (r.lines?.length ?? 0) + (r.samples?.length ?? 0) > 0, {
    message: "Return at least one line or sample",
    path: ["lines"],
  })
  .openapi("DispatchReturn");
export type ReturnInput = z.infer<typeof ReturnSchema>;

export const DispatchLineSchema = z.object({
  position: z.number().int(),
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  qty: z.number().int(),
  returned_good: z.number().int(),
  returned_damaged: z.number().int(),
  consumed: z.number().int(),
  lost: z.number().int(),
  outstanding: z.number().int(),
});

export const DispatchSchema = z
  .object({
    id: z.string().openapi({ example: "dsp_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    number: z.string().openapi({ example: "DSP-2026-000001" }),
    status: z.enum(DISPATCH_STATUSES),
    company_id: z.string(),
    project_id: z.string().nullable(),
    location_id: z.string(),
    destination: z.object({ name: z.string(), address: Address.nullable() }),
    carrier: z.string().nullable(),
    tracking_number: z.string().nullable(),
    expected_return_at: z.string().nullable(),
    notes: z.string().nullable(),
    lines: z.array(DispatchLineSchema),
    samples: z.object({
      total: z.number().int(),
      out: z.number().int(),
      returned: z.number().int(),
      consumed: z.number().int(),
    }),
    outstanding_units: z.number().int().openapi({ description: "Stock units plus samples still out." }),
    overdue: z.boolean(),
    dispatched_at: z.string().nullable(),
    closed_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Dispatch");
export type DispatchView = z.infer<typeof DispatchSchema>;

export const ListDispatchesQuery = pageQuery.extend({
  status: z.enum(DISPATCH_STATUSES).optional(),
  company_id: z.string().max(64).optional(),
  project_id: z.string().max(64).optional(),
});
export type ListDispatchesFilter = z.infer<typeof ListDispatchesQuery>;
export const DispatchPage = pageSchema(DispatchSchema).openapi("DispatchPage");

export const OutstandingQuery = pageQuery.extend({
  company_id: z.string().max(64).optional(),
  project_id: z.string().max(64).optional(),
  location_id: z.string().max(64).optional(),
  overdue: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ description: "Only dispatches past their expected return." }),
});
export type OutstandingFilter = z.infer<typeof OutstandingQuery>;

export const OutstandingSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(DISPATCH_STATUSES),
    company_id: z.string(),
    project_id: z.string().nullable(),
    location_id: z.string(),
    destination_name: z.string(),
    dispatched_at: z.string(),
    expected_return_at: z.string().nullable(),
    days_out: z.number().int(),
    overdue: z.boolean(),
    lines: z.array(
      z.object({ product_id: z.string(), sku: z.string(), qty: z.number().int(), outstanding: z.number().int() }),
    ),
    samples_out: z.number().int(),
    outstanding_units: z.number().int(),
  })
  .openapi("OutstandingDispatch");
export type OutstandingView = z.infer<typeof OutstandingSchema>;
export const OutstandingPage = pageSchema(OutstandingSchema).openapi("OutstandingDispatchPage");

export const DispatchSampleSchema = z
  .object({
    sample_id: z.string(),
    number: z.string(),
    type: z.string(),
    drillhole_id: z.string().nullable(),
    depth_from: z.number().nullable(),
    depth_to: z.number().nullable(),
    lot: z.string().nullable(),
    outcome: z.enum(["out", ...SAMPLE_OUTCOMES]),
    return_id: z.string().nullable(),
    resolved_at: z.string().nullable(),
  })
  .openapi("DispatchSample");
export const DispatchSamplesSchema = z.object({ data: z.array(DispatchSampleSchema) }).openapi("DispatchSampleList");
export type DispatchSampleView = z.infer<typeof DispatchSampleSchema>;
