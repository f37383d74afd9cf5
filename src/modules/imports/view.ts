import type { importJobs } from "../../db/schema";

export function importView(job: typeof importJobs.$inferSelect) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    file_name: job.fileName,
    bytes: job.bytes,
    rows_total: job.rowsTotal,
    rows_valid: job.rowsValid,
    error_count: job.errorCount,
    errors: job.errors,
    errors_url: job.errorsKey ? `/v1/imports/${job.id}/errors` : null,
    rows_done: job.rowsDone,
    rows_created: job.rowsCreated,
    rows_updated: job.rowsUpdated,
    error: job.error,
    created_at: job.createdAt,
    confirmed_at: job.confirmedAt,
    completed_at: job.completedAt,
  };
}
