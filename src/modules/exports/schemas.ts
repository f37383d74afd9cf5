import { z } from "@hono/zod-openapi";
import { EXPORT_STATUSES, EXPORT_TYPES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { EXPORT_SOURCES } from "./sources";

const typeDocs = EXPORT_TYPES.map((type) => {
  const source = EXPORT_SOURCES[type];
  const columns = source.columns.map(([c]) => `\`${c.name}\` (${c.description})`).join(", ");
  const filters =
    (Object.keys(source.filters) as (keyof typeof source.filters)[])
      .map((name) => (source.values?.[name] ? `${name} (${source.values[name].join(" | ")})` : name))
      .join(", ") || "none";
  return `- \`${type}\`: ${source.description} Filters: ${filters}. Columns: ${columns}`;
}).join("\n");

const isoTime = z.iso.datetime({ offset: true });

export const ExportFiltersSchema = z
  .strictObject({
    from: isoTime.optional().openapi({ description: "Rows at or after this time (the type's own time column)." }),
    to: isoTime.optional().openapi({ description: "Rows before this time." }),
    status: z.string().min(1).max(32).optional(),
    product_id: z.string().min(1).max(64).optional(),
    customer_id: z.string().min(1).max(64).optional(),
    reason: z.string().min(1).max(64).optional(),
    location_id: z.string().min(1).max(64).optional(),
    company_id: z.string().min(1).max(64).optional(),
    project_id: z.string().min(1).max(64).optional(),
  })
  .openapi("ExportFilters");

export const CreateExportSchema = z
  .strictObject({
    type: z
      .enum(EXPORT_TYPES)
      .openapi({ description: `What to export. Each type, its filters and columns:\n${typeDocs}` }),
    format: z.literal("csv").default("csv"),
    filters: ExportFiltersSchema.default({}),
  })
  .openapi("CreateExport");

export const ExportSchema = z
  .object({
    id: z.string().openapi({ description: "Export id (`exp_…`)." }),
    type: z.enum(EXPORT_TYPES),
    format: z.literal("csv"),
    status: z.enum(EXPORT_STATUSES),
    filters: ExportFiltersSchema,
    columns: z.array(z.string()).openapi({ description: "The CSV header, in order." }),
    rows_done: z.number().int(),
    rows_total: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Counted when the job starts; exact once completed." }),
    bytes: z.number().int(),
    error: z.string().nullable(),
    file_url: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    expires_at: z.string().nullable().openapi({ description: "When the file is deleted (7 days after completion)." }),
  })
  .openapi("Export");

export const ExportPage = pageSchema(ExportSchema).openapi("ExportPage");

export const ListExportsQuery = pageQuery.extend({
  type: z.enum(EXPORT_TYPES).optional(),
  status: z.enum(EXPORT_STATUSES).optional(),
});
