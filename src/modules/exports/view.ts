import type { exportJobs } from "../../db/schema";
import { columnsOf } from "./sources";

export function exportView(job: typeof exportJobs.$inferSelect) {
  return {
    id: job.id,
    type: job.type,
    format: job.format,
    status: job.status,
    filters: job.filters,
    columns: columnsOf(job.type),
    rows_done: job.rowsDone,
    rows_total: job.rowsTotal,
    bytes: job.bytes,
    error: job.error,
    file_url: job.status === "completed" ? `/v1/exports/${job.id}/file` : null,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    expires_at: job.expiresAt,
  };
}
