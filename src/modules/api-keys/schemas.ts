import { z } from "@hono/zod-openapi";
import { API_KEY_TYPES, type apiKeys } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { SCOPES, type Scope } from "../../middleware/permissions";

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(API_KEY_TYPES),
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart." }),
    scopes: z.array(z.string()),
    created_by: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().openapi({ description: "The key itself. Shown only in this response." }),
}).openapi("CreatedApiKey");

export const CreateApiKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    type: z.enum(API_KEY_TYPES).default("secret"),
    scopes: z
      .array(z.enum(SCOPES as [Scope, ...Scope[]]))
      .max(SCOPES.length)
      .default([])
      .openapi({ description: "Secret keys only: `<resource>:read|write`. Publishable keys take none." }),
  })
  .openapi("CreateApiKey");

export const ListApiKeysQuery = pageQuery.extend({
  include_revoked: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export const ApiKeyPage = pageSchema(ApiKeySchema).openapi("ApiKeyPage");

export function toApiKeyResponse(row: typeof apiKeys.$inferSelect): z.infer<typeof ApiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    prefix: row.prefix,
    scopes: row.scopes,
    created_by: row.createdBy,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
  };
}
