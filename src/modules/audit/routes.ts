import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonContent, problems } from "../../lib/openapi";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { listAuditLogs } from "./service";

const AuditLogSchema = z
  .object({
    id: z.string(),
    actor_type: z.enum(["user", "api_key", "system"]),
    actor_id: z.string().nullable(),
    action: z.string(),
    entity_type: z.string(),
    entity_id: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    request_id: z.string().nullable(),
    ip: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("AuditLog");

export const auditRoutes = createRouter();

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Audit"],
    summary: "The audit trail, newest first",
    security: bearerSecurity,
    request: {
      query: pageQuery.extend({
        entity_type: z.string().max(64).optional(),
        entity_id: z.string().max(64).optional(),
        actor_id: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
      }),
    },
    responses: {
      200: jsonContent(pageSchema(AuditLogSchema).openapi("AuditLogPage"), "A page of audit rows"),
      ...problems(),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = await listAuditLogs(c.get("db"), {
      limit: q.limit,
      cursor: q.cursor,
      entityType: q.entity_type,
      entityId: q.entity_id,
      actorId: q.actor_id,
      action: q.action,
    });
    return c.json(page, 200);
  },
);
