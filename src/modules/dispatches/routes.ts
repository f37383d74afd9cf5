import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent } from "../../middleware/idempotency";
import { loadCompany } from "../companies";
import { renderDispatchHtml } from "./html";
import { listDispatches, listOutstanding, samplesOfDispatch } from "./queries";
import { recordReturn } from "./returns";
import {
  CreateDispatchSchema,
  DispatchPage,
  DispatchSamplesSchema,
  DispatchSchema,
  ListDispatchesQuery,
  OutstandingPage,
  OutstandingQuery,
  ReturnSchema,
  UpdateDispatchSchema,
} from "./schemas";
import { type DispatchDeps, sendDispatch, undoClaim } from "./send";
import * as dispatches from "./service";
import { dispatchStock, resolveLocation } from "./stock-object";
import { loadDispatch, toDispatchView } from "./store";

const tags = ["Dispatches"];
const params = idParam("Dispatch id (`dsp_…`)");
const idempotencyHeader = z.object({ "idempotency-key": z.string().openapi({ description: "Required." }) });
export const dispatchRoutes = createRouter();

const deps = (c: Context<AppEnv>): DispatchDeps => ({ db: c.get("db"), stock: dispatchStock(c.env) });
/** The caller and its Idempotency-Key: what a dispatch or return derives its stock movement ids from. */
const requestKey = (c: Context<AppEnv>) => `${actorOf(c).id} ${c.req.header("idempotency-key") ?? ""}`;

dispatchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List dispatches, newest first",
    security: bearerSecurity,
    request: { query: ListDispatchesQuery },
    responses: { 200: jsonContent(DispatchPage, "A page of dispatches"), ...problems() },
  }),
  async (c) => c.json(await listDispatches(c.get("db"), c.req.valid("query")), 200),
);

dispatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Draft a dispatch of stock and samples to a company; it gets the year's next number",
    security: bearerSecurity,
    request: { body: jsonBody(CreateDispatchSchema) },
    responses: { 201: jsonContent(DispatchSchema, "The draft dispatch"), ...problems(409) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const db = c.get("db");
    const location = await resolveLocation(db, input.location_id);
    const dispatch = await dispatches.createDispatch(db, input, location, requestMeta(c));
    c.header("Location", `/v1/dispatches/${dispatch.id}`);
    c.header("ETag", versionEtag(dispatch.version));
    return c.json(dispatch, 201);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/outstanding",
    tags,
    summary: "Dispatches with anything still out, oldest first, with what is out per line",
    security: bearerSecurity,
    request: { query: OutstandingQuery },
    responses: { 200: jsonContent(OutstandingPage, "A page of outstanding dispatches"), ...problems() },
  }),
  async (c) => c.json(await listOutstanding(c.get("db"), c.req.valid("query")), 200),
);

/* `/{id}.html`, routed with a regex parameter as the invoice page is, before `/{id}`. */
dispatchRoutes.get("/:id{[^/]+\\.html}", async (c) => {
  const db = c.get("db");
  const id = c.req.param("id").slice(0, -".html".length);
  const state = await loadDispatch(db, id);
  const [samples, company] = await Promise.all([samplesOfDispatch(db, id), loadCompany(db, state.dispatch.companyId)]);
  return c.html(renderDispatchHtml(toDispatchView(state), samples, company.name), 200);
});
dispatchRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/{id}.html",
  tags,
  summary: "A printable dispatch note (HTML)",
  security: bearerSecurity,
  request: { params },
  responses: {
    200: { description: "The page", content: { "text/html": { schema: z.string() } } },
    ...problems(404),
  },
});

dispatchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "A dispatch with its lines and what is outstanding",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(DispatchSchema, "The dispatch"), ...problems(404) },
  }),
  async (c) => {
    const dispatch = toDispatchView(await loadDispatch(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(dispatch.version));
    return c.json(dispatch, 200);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a dispatch; lines and samples only while it is a draft",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateDispatchSchema) },
    responses: { 200: jsonContent(DispatchSchema, "The dispatch"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const dispatch = await dispatches.updateDispatch(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(dispatch.version));
    return c.json(dispatch, 200);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/samples",
    tags,
    summary: "The samples of a dispatch, each out, returned or consumed",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(DispatchSamplesSchema, "The samples"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await loadDispatch(c.get("db"), id);
    return c.json({ data: await samplesOfDispatch(c.get("db"), id) }, 200);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/dispatch",
    tags,
    summary: "Send a draft: its stock goes from on hand to out, its samples to dispatched; all or nothing",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyHeader },
    responses: { 200: jsonContent(DispatchSchema, "The dispatched dispatch"), ...problems(404, 409, 503) },
  }),
  async (c) => {
    const dispatch = await sendDispatch(deps(c), c.req.valid("param").id, requestKey(c), requestMeta(c));
    return c.json(dispatch, 200);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/return",
    tags,
    summary: "Record what came back (good, damaged), was consumed or lost; never more than is out",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyHeader, body: jsonBody(ReturnSchema) },
    responses: { 201: jsonContent(DispatchSchema, "The dispatch after the return"), ...problems(404, 409, 503) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const dispatch = await recordReturn(deps(c), id, c.req.valid("json"), requestKey(c), requestMeta(c));
    return c.json(dispatch, 201);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/close",
    tags,
    summary: "Close a dispatch that has all come back",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader },
    responses: { 200: jsonContent(DispatchSchema, "The closed dispatch"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const dispatch = await dispatches.moveDispatch(
      c.get("db"),
      c.req.valid("param").id,
      { from: ["returned"], to: "closed", event: "dispatch.closed" },
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    return c.json(dispatch, 200);
  },
);

dispatchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    tags,
    summary: "Cancel a draft (its number stays used); a dispatch that left cannot be cancelled",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader },
    responses: { 200: jsonContent(DispatchSchema, "The cancelled dispatch"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const { stock } = deps(c);
    const dispatch = await dispatches.moveDispatch(
      c.get("db"),
      c.req.valid("param").id,
      { from: ["draft"], to: "cancelled", event: "dispatch.cancelled" },
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
      (state) => undoClaim(stock, state),
    );
    return c.json(dispatch, 200);
  },
);
