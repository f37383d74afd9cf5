import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { derivedId } from "../../lib/ids";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { idempotent, keyedId } from "../../middleware/idempotency";
import { createSampleBatch } from "./batch";
import {
  CreateSampleBatchSchema,
  CreateSampleSchema,
  ListSamplesQuery,
  SampleBatchResultSchema,
  SamplePage,
  SampleSchema,
  UpdateSampleSchema,
} from "./schemas";
import * as samples from "./service";

const tags = ["Samples"];
const params = idParam("Sample id (`smp_…`)");
export const sampleRoutes = createRouter();

sampleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List samples by drillhole, project, status, location, depth range or number prefix",
    security: bearerSecurity,
    request: { query: ListSamplesQuery },
    responses: { 200: jsonContent(SamplePage, "A page of samples"), ...problems() },
  }),
  async (c) => c.json(await samples.listSamples(c.get("db"), c.req.valid("query")), 200),
);

sampleRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Register a sample from a drillhole interval or a lot",
    security: bearerSecurity,
    request: { body: jsonBody(CreateSampleSchema) },
    responses: { 201: jsonContent(SampleSchema, "The sample"), ...problems(409) },
  }),
  async (c) => {
    const sample = await samples.createSample(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/samples/${sample.id}`);
    c.header("ETag", versionEtag(sample.version));
    return c.json(sample, 201);
  },
);

/** Mounted at `/v1`: the batch path is `/v1/samples:batch`, a sibling of `/v1/samples`, not below it. */
export const sampleBatchRoutes = createRouter();

sampleBatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/samples:batch",
    tags,
    summary: "Register up to 1,000 samples; each row is created or refused on its own",
    description:
      "A body that does not match the schema is refused as a whole (400). Rules that depend on stored data (numbers taken, unknown holes, intervals outside a hole or overlapping, also within the batch) refuse single rows, reported in `results`.",
    security: bearerSecurity,
    middleware: [idempotent({ required: false })] as const,
    request: {
      headers: z.object({ "idempotency-key": z.string().optional() }),
      body: jsonBody(CreateSampleBatchSchema),
    },
    responses: { 200: jsonContent(SampleBatchResultSchema, "Per-row results"), ...problems(409) },
  }),
  async (c) => {
    const inputs = c.req.valid("json").samples;
    // With a key, each row's id is derived from it, so a retry after a crash finds the rows it created.
    const base = c.req.header("idempotency-key") === undefined ? null : await keyedId(c, "smp");
    const ids = base ? await Promise.all(inputs.map((_, i) => derivedId("smp", base, String(i)))) : undefined;
    return c.json(await createSampleBatch(c.get("db"), inputs, requestMeta(c), ids), 200);
  },
);

sampleRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a sample; put a returned one back in store or dispose of one",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateSampleSchema) },
    responses: { 200: jsonContent(SampleSchema, "The sample"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const sample = await samples.updateSample(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(sample.version));
    return c.json(sample, 200);
  },
);
