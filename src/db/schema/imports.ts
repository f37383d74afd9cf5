import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const IMPORT_TYPES = ["products", "stock_counts", "samples"] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

/** `invalid`: some rows failed validation, nothing can be applied; fix the file and upload it again. */
export const IMPORT_STATUSES = ["invalid", "validated", "applying", "completed", "failed"] as const;

export interface ImportRowError {
  row: number;
  column: string;
  message: string;
}

/**
 * An import job. The file is validated when it is uploaded and applied only after a
 * confirm, in chunks from the JOBS queue; `rows_done` is saved after every chunk, and
 * every row is applied under an id derived from the job and its row number, so a retried
 * chunk never applies a row twice.
 */
export const importJobs = sqliteTable(
  "import_jobs",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: IMPORT_TYPES }).notNull(),
    status: text("status", { enum: IMPORT_STATUSES }).notNull(),
    fileKey: text("file_key").notNull(),
    fileName: text("file_name"),
    bytes: integer("bytes").notNull(),
    rowsTotal: integer("rows_total").notNull(),
    rowsValid: integer("rows_valid").notNull(),
    errorCount: integer("error_count").notNull(),
    /** The first errors, for the summary; all of them are in the errors CSV. */
    errors: text("errors", { mode: "json" }).$type<ImportRowError[]>().notNull(),
    errorsKey: text("errors_key"),
    rowsDone: integer("rows_done").notNull().default(0),
    rowsCreated: integer("rows_created").notNull().default(0),
    rowsUpdated: integer("rows_updated").notNull().default(0),
    error: text("error"),
    requestedByType: text("requested_by_type", { enum: ["user", "api_key"] }).notNull(),
    requestedById: text("requested_by_id").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    confirmedAt: text("confirmed_at"),
    completedAt: text("completed_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("import_jobs_type").on(t.type, t.id), index("import_jobs_status_updated").on(t.status, t.updatedAt)],
);
