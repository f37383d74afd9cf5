import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent, keyedId } from "../../middleware/idempotency";
import { orderDeps } from "../orders";
import { renderReturnSlip } from "./html";
import {
  IdempotencyKeyHeader,
  ListReturnsQuery,
  OpenReturnSchema,
  ReturnList,
  ReturnPage,
  ReturnSchema,
} from "./schemas";
import * as returns from "./service";

const tags = ["Returns"];
const params = idParam("Return id (`ret_…`)");
const view = (description: string) => jsonContent(ReturnSchema, description);

/** `/v1/orders/{id}/returns`: opening a return, and an order's returns. */
export const orderReturnRoutes = createRouter();

orderReturnRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/returns",
    tags,
    summary: "Open a return of lines of a paid order (customers: their own, within the return window)",
    description:
      "409 `CONFLICT` lists `lines: [{ product_id, requested, returnable }]` when a line asks for more than was bought minus what is refunded or in open returns.",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params: idParam("Order id (`ord_…`)"), headers: IdempotencyKeyHeader, body: jsonBody(OpenReturnSchema) },
    responses: { 201: view("The requested return"), ...problems(404, 409) },
  }),
  async (c) => {
    const ret = await returns.openReturn(
      orderDeps(c.env, c.get("db")),
      c.req.valid("param").id,
      c.req.valid("json"),
      actorOf(c),
      requestMeta(c),
      await keyedId(c, "ret"),
    );
    c.header("Location", `/v1/returns/${ret.id}`);
    c.header("ETag", versionEtag(ret.version));
    return c.json(ret, 201);
  },
);

orderReturnRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/returns",
    tags,
    summary: "The returns of an order, oldest first",
    security: bearerSecurity,
    request: { params: idParam("Order id (`ord_…`)") },
    responses: { 200: jsonContent(ReturnList, "The order's returns"), ...problems(404) },
  }),
  async (c) =>
    c.json({ data: await returns.returnsOfVisibleOrder(c.get("db"), c.req.valid("param").id, actorOf(c)) }, 200),
);

/** `/v1/returns`: reads and the slip (the staff steps are in actions.ts). */
export const returnRoutes = createRouter();

returnRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List returns, newest first (customers: their own)",
    security: bearerSecurity,
    request: { query: ListReturnsQuery },
    responses: { 200: jsonContent(ReturnPage, "A page of returns"), ...problems() },
  }),
  async (c) => c.json(await returns.listReturns(c.get("db"), actorOf(c), c.req.valid("query")), 200),
);

/* `/{id}.html` is routed with a regex parameter for the reason given in the invoices routes. */
returnRoutes.get("/:id{[^/]+\\.html}", async (c) => {
  const id = c.req.param("id").slice(0, -".html".length);
  return c.html(renderReturnSlip(await returns.getReturn(c.get("db"), id, actorOf(c))), 200);
});
returnRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/{id}.html",
  tags,
  summary: "A printable return slip (HTML)",
  security: bearerSecurity,
  request: { params },
  responses: {
    200: { description: "The slip", content: { "text/html": { schema: z.string() } } },
    ...problems(404),
  },
});

returnRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "A return with its lines and what arrived",
    security: bearerSecurity,
    request: { params },
    responses: { 200: view("The return"), ...problems(404) },
  }),
  async (c) => {
    const ret = await returns.getReturn(c.get("db"), c.req.valid("param").id, actorOf(c));
    c.header("ETag", versionEtag(ret.version));
    return c.json(ret, 200);
  },
);
