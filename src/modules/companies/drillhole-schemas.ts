import { z } from "@hono/zod-openapi";
import { DRILLHOLE_STATUSES, type drillholes } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

const Metres = z.number().min(0).max(20_000);

export const DrillholeSchema = z
  .object({
    id: z.string().openapi({ example: "dhl_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    project_id: z.string(),
    hole_id: z.string().openapi({ example: "DDH-0042" }),
    easting: z.number().nullable(),
    northing: z.number().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    elevation: z.number().nullable(),
    azimuth: z.number().nullable(),
    dip: z.number().nullable(),
    planned_depth: z.number().nullable(),
    final_depth: z.number().nullable(),
    status: z.enum(DRILLHOLE_STATUSES),
    started_on: z.string().nullable(),
    completed_on: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Drillhole");
export type DrillholeView = z.infer<typeof DrillholeSchema>;
export type DrillholeRow = typeof drillholes.$inferSelect;

export function toDrillholeView(r: DrillholeRow): DrillholeView {
  return {
    id: r.id,
    project_id: r.projectId,
    hole_id: r.holeId,
    easting: r.easting,
    northing: r.northing,
    latitude: r.latitude,
    longitude: r.longitude,
    elevation: r.elevation,
    azimuth: r.azimuth,
    dip: r.dip,
    planned_depth: r.plannedDepth,
    final_depth: r.finalDepth,
    status: r.status,
    started_on: r.startedOn,
    completed_on: r.completedOn,
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

const fields = {
  hole_id: z.string().trim().min(1).max(40).openapi({ description: "Unique within the project, e.g. `DDH-0042`." }),
  easting: z.number().nullable().optional(),
  northing: z.number().nullable().optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  elevation: z.number().min(-12_000).max(9_000).nullable().optional().openapi({ description: "Metres." }),
  azimuth: z.number().min(0).max(360).nullable().optional().openapi({ description: "Degrees, 0 to 360." }),
  dip: z.number().min(-90).max(90).nullable().optional().openapi({ description: "Degrees, -90 to 90." }),
  planned_depth: Metres.nullable().optional().openapi({ description: "Metres." }),
  final_depth: Metres.nullable().optional().openapi({ description: "Metres; samples must lie within it." }),
  status: z.enum(DRILLHOLE_STATUSES).optional().openapi({ description: "Defaults to `planned`." }),
  started_on: z.iso.date().nullable().optional(),
  completed_on: z.iso.date().nullable().optional(),
};

export const CreateDrillholeSchema = z
  .strictObject({ project_id: z.string().min(1).max(64), ...fields })
  .openapi("CreateDrillhole");
export type CreateDrillholeInput = z.infer<typeof CreateDrillholeSchema>;

export const UpdateDrillholeSchema = z
  .strictObject({ ...fields, hole_id: fields.hole_id.optional() })
  .openapi("UpdateDrillhole");
export type UpdateDrillholeInput = z.infer<typeof UpdateDrillholeSchema>;

export const ListDrillholesQuery = pageQuery.extend({
  project_id: z.string().max(64).optional(),
  status: z.enum(DRILLHOLE_STATUSES).optional(),
});
export type ListDrillholesFilter = z.infer<typeof ListDrillholesQuery>;

export const DrillholePage = pageSchema(DrillholeSchema).openapi("DrillholePage");
