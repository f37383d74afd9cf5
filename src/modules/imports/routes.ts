import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { type AppEnv, createRouter } from "../../context";
import { AppError } from "../../lib/errors";
import { bearerSecurity, idParam, jsonContent, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { keyedId, wellFormedKey } from "../../middleware/idempotency";
import { ImportFormSchema, ImportSchema } from "./schemas";
import * as importsService from "./service";

const tags = ["Imports"];
const params = idParam("Import id (`imp_…`)");

const requireForm = createMiddleware<AppEnv>(async (c, next) => {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the CSV as multipart/form-data (fields `type` and `file`).");
  }
  await next();
});

export const importRoutes = createRouter();

importRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    middleware: [wellFormedKey, requireForm] as const,
    tags,
    summary: "Upload a CSV to import; every row is validated and nothing is applied until you confirm",
    security: bearerSecurity,
    description:
      "With an `Idempotency-Key`, a retry of an upload that was stored answers 200 with that import instead of creating a second one; the same key with another file is 409 IDEMPOTENCY_CONFLICT. (The key is checked against the file, not the raw multipart body, whose boundary differs between retries.)",
    request: {
      headers: z.object({
        "idempotency-key": z.string().min(1).max(255).optional().openapi({ description: "Optional." }),
      }),
      body: { required: true, content: { "multipart/form-data": { schema: ImportFormSchema } } },
    },
    responses: {
      201: jsonContent(ImportSchema, "The validation summary"),
      200: jsonContent(ImportSchema, "The import an earlier request with this Idempotency-Key created"),
      ...problems(409, 413, 415),
    },
  }),
  async (c) => {
    const form = c.req.valid("form");
    const id = await keyedId(c, "imp");
    const { created, job } = await importsService.createImport(c.get("db"), c.env.FILES, form, id, requestMeta(c));
    c.header("Location", `/v1/imports/${job.id}`);
    return created ? c.json(job, 201) : c.json(job, 200);
  },
);

importRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "An import: its validation summary and progress",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(ImportSchema, "The import"), ...problems(404) },
  }),
  async (c) => c.json(await importsService.getImport(c.get("db"), c.get("actor"), c.req.valid("param").id), 200),
);

importRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/errors",
    tags,
    summary: "Every validation error as CSV (row, column, message)",
    security: bearerSecurity,
    request: { params },
    responses: {
      200: { description: "The errors", content: { "text/csv": { schema: z.string() } } },
      ...problems(404),
    },
  }),
  async (c) => {
    const { job, object } = await importsService.importErrorsFile(
      c.get("db"),
      c.env.FILES,
      c.get("actor"),
      c.req.valid("param").id,
    );
    return new Response(object.body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${job.id}-errors.csv"`,
        "cache-control": "private, no-store",
      },
    });
  },
);

importRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/confirm",
    tags,
    summary: "Apply a validated import (in the background); confirming again applies nothing twice",
    security: bearerSecurity,
    request: { params },
    responses: { 202: jsonContent(ImportSchema, "The import, applying"), ...problems(404, 409) },
  }),
  async (c) =>
    c.json(await importsService.confirmImport(c.get("db"), c.env.JOBS, c.req.valid("param").id, requestMeta(c)), 202),
);
