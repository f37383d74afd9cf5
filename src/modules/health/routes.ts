import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { jsonContent } from "../../lib/openapi";
import { checkReadiness } from "./service";

const Liveness = z.object({ status: z.literal("ok") }).openapi("Liveness");
const Readiness = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() })),
  })
  .openapi("Readiness");

export const healthRoutes = createRouter();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["Health"],
    summary: "Liveness: the worker answers",
    responses: { 200: jsonContent(Liveness, "Alive") },
  }),
  (c) => c.json({ status: "ok" as const }, 200),
);

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/health/ready",
    tags: ["Health"],
    summary: "Readiness: D1, R2 and a Durable Object round trip",
    responses: {
      200: jsonContent(Readiness, "Every dependency answered"),
      503: jsonContent(Readiness, "At least one dependency failed; `checks` says which"),
    },
  }),
  async (c) => {
    const report = await checkReadiness(c.env);
    return c.json(report, report.status === "ok" ? 200 : 503);
  },
);
