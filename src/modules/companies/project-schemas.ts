import { z } from "@hono/zod-openapi";
import { PROJECT_STATUSES, type projects } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

const Text = (max: number) => z.string().trim().min(1).max(max);
const Day = z.iso.date().openapi({ example: "2026-03-01" });

export const ProjectSchema = z
  .object({
    id: z.string().openapi({ example: "prj_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    company_id: z.string(),
    name: z.string(),
    code: z.string(),
    status: z.enum(PROJECT_STATUSES),
    start_date: z.string().nullable(),
    end_date: z.string().nullable(),
    notes: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Project");
export type ProjectView = z.infer<typeof ProjectSchema>;
export type ProjectRow = typeof projects.$inferSelect;

export function toProjectView(row: ProjectRow): ProjectView {
  return {
    id: row.id,
    company_id: row.companyId,
    name: row.name,
    code: row.code,
    status: row.status,
    start_date: row.startDate,
    end_date: row.endDate,
    notes: row.notes,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

const fields = {
  name: Text(160),
  code: Text(32).openapi({ description: "Unique within the company." }),
  status: z.enum(PROJECT_STATUSES).optional().openapi({ description: "Defaults to `planned`." }),
  start_date: Day.nullable().optional(),
  end_date: Day.nullable().optional().openapi({ description: "On or after `start_date`." }),
  notes: Text(2000).nullable().optional(),
};

export const CreateProjectSchema = z
  .strictObject({ company_id: z.string().min(1).max(64), ...fields })
  .openapi("CreateProject");
export type CreateProjectInput = z.infer<typeof CreateProjectSchema>;

export const UpdateProjectSchema = z
  .strictObject({ ...fields, name: fields.name.optional(), code: fields.code.optional() })
  .openapi("UpdateProject");
export type UpdateProjectInput = z.infer<typeof UpdateProjectSchema>;

export const ListProjectsQuery = pageQuery.extend({
  company_id: z.string().max(64).optional(),
  status: z.enum(PROJECT_STATUSES).optional(),
});
export type ListProjectsFilter = z.infer<typeof ListProjectsQuery>;

export const ProjectPage = pageSchema(ProjectSchema).openapi("ProjectPage");
