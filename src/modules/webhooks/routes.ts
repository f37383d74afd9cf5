import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { ListDeliveriesQuery, WebhookDeliveryPage } from "./deliveries/schemas";
import * as deliveries from "./deliveries/service";
import type { WebhookSettings } from "./endpoint-input";
import { sendTestEvent } from "./ping";
import {
  CreateWebhookEndpointSchema,
  ListWebhookEndpointsQuery,
  ReplayedSchema,
  ReplaySinceQuery,
  TestDeliverySchema,
  UpdateWebhookEndpointSchema,
  WebhookEndpointPage,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from "./schemas";
import * as endpoints from "./service";

const tags = ["Webhooks"];
const params = idParam("Webhook endpoint id (`whk_…`)");
const ifMatch = z.object({
  "if-match": z.string().optional().openapi({ description: "ETag of the version you edited." }),
});

function settings(c: Context<AppEnv>): WebhookSettings {
  return {
    encryptionKey: c.env.ENCRYPTION_KEY,
    allowInsecureLocalhost: c.env.WEBHOOKS_ALLOW_INSECURE_LOCALHOST === "true",
  };
}

export const webhookRoutes = createRouter();

webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List webhook endpoints",
    security: bearerSecurity,
    request: { query: ListWebhookEndpointsQuery },
    responses: { 200: jsonContent(WebhookEndpointPage, "A page of endpoints"), ...problems() },
  }),
  async (c) => c.json(await endpoints.listEndpoints(c.get("db"), c.req.valid("query")), 200),
);

webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Register an endpoint; its signing secret is shown only in this response",
    security: bearerSecurity,
    request: { body: jsonBody(CreateWebhookEndpointSchema) },
    responses: { 201: jsonContent(WebhookEndpointWithSecretSchema, "The endpoint, with its secret"), ...problems() },
  }),
  async (c) => {
    const endpoint = await endpoints.createEndpoint(c.get("db"), settings(c), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/webhooks/${endpoint.id}`);
    c.header("ETag", versionEtag(endpoint.version));
    return c.json(endpoint, 201);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read an endpoint (never its secret)",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(WebhookEndpointSchema, "The endpoint"), ...problems(404) },
  }),
  async (c) => {
    const endpoint = await endpoints.getEndpoint(c.get("db"), c.req.valid("param").id);
    c.header("ETag", versionEtag(endpoint.version));
    return c.json(endpoint, 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Change an endpoint's URL, subscriptions, description, rate limit, or enable/disable it",
    security: bearerSecurity,
    request: { params, headers: ifMatch, body: jsonBody(UpdateWebhookEndpointSchema) },
    responses: { 200: jsonContent(WebhookEndpointSchema, "The updated endpoint"), ...problems(404, 412) },
  }),
  async (c) => {
    const endpoint = await endpoints.updateEndpoint(
      c.get("db"),
      settings(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(endpoint.version));
    return c.json(endpoint, 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete an endpoint with its delivery history; queued deliveries are dropped",
    security: bearerSecurity,
    request: { params },
    responses: { 204: { description: "Deleted" }, ...problems(404) },
  }),
  async (c) => {
    await endpoints.deleteEndpoint(c.get("db"), c.req.valid("param").id, requestMeta(c));
    return c.body(null, 204);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/rotate-secret",
    tags,
    summary: "Issue a new signing secret; the old one keeps signing for 24 h",
    security: bearerSecurity,
    request: { params, headers: ifMatch },
    responses: {
      200: jsonContent(WebhookEndpointWithSecretSchema, "The endpoint, with its new secret"),
      ...problems(404, 412),
    },
  }),
  async (c) => {
    const endpoint = await endpoints.rotateSecret(
      c.get("db"),
      settings(c),
      c.req.valid("param").id,
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(endpoint.version));
    return c.json(endpoint, 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/test",
    tags,
    summary: "Send a `webhook.ping` event to this endpoint",
    security: bearerSecurity,
    request: { params },
    responses: { 202: jsonContent(TestDeliverySchema, "The ping is queued"), ...problems(404, 409) },
  }),
  async (c) => c.json(await sendTestEvent(c.get("db"), c.req.valid("param").id, requestMeta(c)), 202),
);

webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/replay",
    tags,
    summary: "Send again every failed delivery created since a time (same webhook-id)",
    security: bearerSecurity,
    request: { params, query: ReplaySinceQuery },
    responses: { 202: jsonContent(ReplayedSchema, "The deliveries are queued again"), ...problems(404, 409) },
  }),
  async (c) => {
    const result = await deliveries.replayFailedSince(
      c.get("db"),
      c.env.WEBHOOKS,
      c.req.valid("param").id,
      c.req.valid("query").since,
      requestMeta(c),
    );
    return c.json(result, 202);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/deliveries",
    tags,
    summary: "An endpoint's deliveries, newest first",
    security: bearerSecurity,
    request: { params, query: ListDeliveriesQuery },
    responses: { 200: jsonContent(WebhookDeliveryPage, "A page of deliveries"), ...problems(404) },
  }),
  async (c) => c.json(await deliveries.listDeliveries(c.get("db"), c.req.valid("param").id, c.req.valid("query")), 200),
);
