import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import {
  CreateLocationSchema,
  ListLocationsQuery,
  LocationPage,
  LocationSchema,
  toLocationResponse,
  UpdateLocationSchema,
} from "./schemas";
import * as service from "./service";

const tags = ["Locations"];
const params = idParam("Location id (`loc_…`)");
export const locationRoutes = createRouter();

locationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List locations",
    security: bearerSecurity,
    request: { query: ListLocationsQuery },
    responses: { 200: jsonContent(LocationPage, "A page of locations"), ...problems() },
  }),
  async (c) => c.json(await service.listLocations(c.get("db"), c.req.valid("query")), 200),
);

locationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a location",
    security: bearerSecurity,
    request: { body: jsonBody(CreateLocationSchema) },
    responses: { 201: jsonContent(LocationSchema, "The created location"), ...problems(409) },
  }),
  async (c) => {
    const location = await service.createLocation(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/locations/${location.id}`);
    c.header("ETag", versionEtag(location.version));
    return c.json(location, 201);
  },
);

locationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a location",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(LocationSchema, "The location"), ...problems(404) },
  }),
  async (c) => {
    const location = toLocationResponse(await service.loadLocation(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(location.version));
    return c.json(location, 200);
  },
);

locationRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Change a location (deactivate it with `active: false`)",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateLocationSchema) },
    responses: { 200: jsonContent(LocationSchema, "The updated location"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const location = await service.updateLocation(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(location.version));
    return c.json(location, 200);
  },
);

locationRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete a location without stock or open holds",
    security: bearerSecurity,
    request: { params },
    responses: { 204: { description: "Deleted" }, ...problems(404, 409) },
  }),
  async (c) => {
    await service.deleteLocation(c.get("db"), c.req.valid("param").id, requestMeta(c));
    return c.body(null, 204);
  },
);
