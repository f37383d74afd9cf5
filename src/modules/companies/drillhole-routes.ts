import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import {
  CreateDrillholeSchema,
  DrillholePage,
  DrillholeSchema,
  ListDrillholesQuery,
  toDrillholeView,
  UpdateDrillholeSchema,
} from "./drillhole-schemas";
import * as drillholes from "./drillholes";

const tags = ["Drillholes"];
const params = idParam("Drillhole id (`dhl_…`)");
export const drillholeRoutes = createRouter();

drillholeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List drillholes, by project and status",
    security: bearerSecurity,
    request: { query: ListDrillholesQuery },
    responses: { 200: jsonContent(DrillholePage, "A page of drillholes"), ...problems() },
  }),
  async (c) => c.json(await drillholes.listDrillholes(c.get("db"), c.req.valid("query")), 200),
);

drillholeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Record a drillhole of a project",
    security: bearerSecurity,
    request: { body: jsonBody(CreateDrillholeSchema) },
    responses: { 201: jsonContent(DrillholeSchema, "The drillhole"), ...problems(409) },
  }),
  async (c) => {
    const hole = await drillholes.createDrillhole(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/drillholes/${hole.id}`);
    c.header("ETag", versionEtag(hole.version));
    return c.json(hole, 201);
  },
);

drillholeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a drillhole",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(DrillholeSchema, "The drillhole"), ...problems(404) },
  }),
  async (c) => {
    const hole = toDrillholeView(await drillholes.loadDrillhole(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(hole.version));
    return c.json(hole, 200);
  },
);

drillholeRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a drillhole (its depth never below a sample cut from it)",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateDrillholeSchema) },
    responses: { 200: jsonContent(DrillholeSchema, "The drillhole"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const hole = await drillholes.updateDrillhole(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(hole.version));
    return c.json(hole, 200);
  },
);
