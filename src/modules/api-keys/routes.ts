import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { ApiKeyPage, ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema, ListApiKeysQuery } from "./schemas";
import * as keys from "./service";

const tags = ["API keys"];
export const apiKeyRoutes = createRouter();

apiKeyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List API keys (never their secrets)",
    security: bearerSecurity,
    request: { query: ListApiKeysQuery },
    responses: { 200: jsonContent(ApiKeyPage, "A page of keys"), ...problems() },
  }),
  async (c) => {
    const { limit, cursor, include_revoked } = c.req.valid("query");
    return c.json(await keys.listApiKeys(c.get("db"), { limit, cursor, includeRevoked: include_revoked }), 200);
  },
);

apiKeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a key; the secret is shown only in this response",
    security: bearerSecurity,
    request: { body: jsonBody(CreateApiKeySchema) },
    responses: { 201: jsonContent(CreatedApiKeySchema, "The key, with its secret"), ...problems() },
  }),
  async (c) => c.json(await keys.createApiKey(c.get("db"), c.req.valid("json"), requestMeta(c)), 201),
);

apiKeyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Revoke a key; it stops working on the next request",
    security: bearerSecurity,
    request: { params: idParam("API key id (`key_…`)") },
    responses: { 200: jsonContent(ApiKeySchema, "The revoked key"), ...problems(404) },
  }),
  async (c) => c.json(await keys.revokeApiKey(c.get("db"), c.req.valid("param").id, requestMeta(c)), 200),
);
