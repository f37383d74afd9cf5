import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonContent, problems } from "../../lib/openapi";
import { EventPage, EventSchema, EventTypeList, ListEventsQuery } from "./schemas";
import { getEvent, listEvents, listEventTypes } from "./service";

const tags = ["Events"];

export const eventRoutes = createRouter();

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "The event log (last 30 days), newest first",
    security: bearerSecurity,
    request: { query: ListEventsQuery },
    responses: { 200: jsonContent(EventPage, "A page of events"), ...problems() },
  }),
  async (c) => c.json(await listEvents(c.get("db"), c.req.valid("query")), 200),
);

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "One event, as webhook consumers receive it plus its log fields",
    security: bearerSecurity,
    request: { params: idParam("Event id (`evt_…`)") },
    responses: { 200: jsonContent(EventSchema, "The event"), ...problems(404) },
  }),
  async (c) => c.json(await getEvent(c.get("db"), c.req.valid("param").id), 200),
);

export const eventTypeRoutes = createRouter();

eventTypeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Every event type, what it means and the JSON Schema of its data",
    security: bearerSecurity,
    responses: { 200: jsonContent(EventTypeList, "The event catalog"), ...problems() },
  }),
  (c) => c.json(listEventTypes(), 200),
);
