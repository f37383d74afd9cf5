import { z } from "@hono/zod-openapi";
import { IMPORT_STATUSES, IMPORT_TYPES } from "../../db/schema";
import { IMPORT_COLUMNS } from "./rows";

const typeDocs = IMPORT_TYPES.map((type) => {
  const { required, optional } = IMPORT_COLUMNS[type];
  return `\`${type}\`: columns ${required
    .map((c) => `\`${c}\` (required)`)
    .concat(optional.map((c) => `\`${c}\``))
    .join(", ")}`;
}).join("; ");

export const ImportFormSchema = z
  .object({
    type: z.enum(IMPORT_TYPES).openapi({
      description: `What the file holds. ${typeDocs}. Products are created, or updated when the SKU exists; stock counts set each product's counted on_hand (at the location named by \`location_code\`, or the default location); samples are created, each under an id derived from the import and its row.`,
    }),
    file: z
      .custom<File>((value) => value instanceof File, "Attach the CSV as a file in the `file` field")
      .openapi({
        type: "string",
        format: "binary",
        description: "UTF-8 CSV with a header row, at most 20 MiB and 100,000 rows.",
      }),
  })
  .openapi("ImportUploadForm");

export const ImportSchema = z
  .object({
    id: z.string().openapi({ description: "Import id (`imp_…`)." }),
    type: z.enum(IMPORT_TYPES),
    status: z.enum(IMPORT_STATUSES).openapi({
      description:
        "`invalid` (some rows have errors; nothing can be applied), `validated` (confirm to apply), `applying`, `completed`, `failed`.",
    }),
    file_name: z.string().nullable(),
    bytes: z.number().int(),
    rows_total: z.number().int(),
    rows_valid: z.number().int(),
    error_count: z.number().int(),
    errors: z
      .array(
        z.object({
          row: z.number().int().openapi({ description: "Line in the file; the header is 1." }),
          column: z.string(),
          message: z.string(),
        }),
      )
      .openapi({ description: "The first 100 errors; every one is in the errors CSV." }),
    errors_url: z.string().nullable(),
    rows_done: z.number().int(),
    rows_created: z.number().int(),
    rows_updated: z.number().int(),
    error: z.string().nullable().openapi({
      description: "Why a `failed` import stopped: the row refused when applied, or the retries spent.",
    }),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi("Import");
