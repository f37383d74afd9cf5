import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const EXPORT_TYPES = [
  "products",
  "inventory",
  "movements",
  "orders",
  "order_lines",
  "invoices",
  "customers",
  "dispatches",
  "samples",
  "audit_log",
] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export const EXPORT_STATUSES = ["queued", "running", "completed", "failed", "expired"] as const;

/** Filters an export was asked for; which ones a type accepts is fixed by its source. */
export interface ExportFilters {
  from?: string | undefined;
  to?: string | undefined;
  status?: string | undefined;
  product_id?: string | undefined;
  customer_id?: string | undefined;
  reason?: string | undefined;
  location_id?: string | undefined;
  company_id?: string | undefined;
  project_id?: string | undefined;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/**
 * An export job. While it runs, `upload_id`, `parts`, `cursor` (the keyset position of
 * the last row written) and `carry` (the bytes past the last full part, base64) are the
 * place it has reached: they are saved after every part, so a retried queue message
 * resumes from there instead of starting over. `version` guards each save, so two
 * deliveries of the same message never both advance the file.
 */
export const exportJobs = sqliteTable(
  "export_jobs",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: EXPORT_TYPES }).notNull(),
    format: text("format", { enum: ["csv"] }).notNull(),
    filters: text("filters", { mode: "json" }).$type<ExportFilters>().notNull(),
    status: text("status", { enum: EXPORT_STATUSES }).notNull(),
    rowsDone: integer("rows_done").notNull().default(0),
    rowsTotal: integer("rows_total"),
    bytes: integer("bytes").notNull().default(0),
    fileKey: text("file_key").notNull(),
    uploadId: text("upload_id"),
    parts: text("parts", { mode: "json" }).$type<UploadedPart[]>().notNull(),
    cursor: text("cursor", { mode: "json" }).$type<(string | number)[] | null>(),
    carry: text("carry").notNull().default(""),
    error: text("error"),
    requestedByType: text("requested_by_type", { enum: ["user", "api_key"] }).notNull(),
    requestedById: text("requested_by_id").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    startedAt: text("started_at"),
    completedAt: text("completed_at"),
    expiresAt: text("expires_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("export_jobs_type").on(t.type, t.createdAt, t.id),
    index("export_jobs_status_updated").on(t.status, t.updatedAt),
    index("export_jobs_expires").on(t.status, t.expiresAt),
  ],
);
