import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent, keyedId } from "../../middleware/idempotency";
import { CreateExportSchema, ExportPage, ExportSchema, ListExportsQuery } from "./schemas";
import * as exportsService from "./service";

const tags = ["Exports"];
const params = idParam("Export id (`exp_…`)");

export const exportRoutes = createRouter();

exportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Start a CSV export; it runs in the background (poll it, or listen for export.completed)",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: {
      headers: z.object({ "idempotency-key": z.string().openapi({ description: "Required." }) }),
      body: jsonBody(CreateExportSchema),
    },
    responses: { 202: jsonContent(ExportSchema, "The export job, queued"), ...problems(409) },
  }),
  async (c) => {
    const job = await exportsService.createExport(
      c.get("db"),
      c.env.JOBS,
      c.req.valid("json"),
      requestMeta(c),
      await keyedId(c, "exp"),
    );
    c.header("Location", `/v1/exports/${job.id}`);
    return c.json(job, 202);
  },
);

exportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Exports of data the caller may read, newest first",
    security: bearerSecurity,
    request: { query: ListExportsQuery },
    responses: { 200: jsonContent(ExportPage, "A page of exports"), ...problems() },
  }),
  async (c) => c.json(await exportsService.listExports(c.get("db"), actorOf(c), c.req.valid("query")), 200),
);

exportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "An export: status, progress, size and columns",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(ExportSchema, "The export"), ...problems(404) },
  }),
  async (c) => c.json(await exportsService.getExport(c.get("db"), actorOf(c), c.req.valid("param").id), 200),
);

exportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/file",
    tags,
    summary: "Download a completed export's CSV (UTF-8, header row)",
    security: bearerSecurity,
    request: { params },
    responses: {
      200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } },
      ...problems(404),
    },
  }),
  async (c) => {
    const { job, object } = await exportsService.exportFile(
      c.get("db"),
      c.env.FILES,
      actorOf(c),
      c.req.valid("param").id,
    );
    return new Response(object.body, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-length": String(object.size),
        "content-disposition": `attachment; filename="${job.type}-${job.id}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
