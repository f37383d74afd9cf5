import { z } from "@hono/zod-openapi";
import { DISABLED_REASONS, type webhookEndpoints } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: "whk_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    url: z.string(),
    description: z.string(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.enum(DISABLED_REASONS).nullable(),
    disabled_at: z.string().nullable(),
    rate_limit_per_second: z.number().int().nullable(),
    consecutive_failures: z.number().int(),
    previous_secret_expires_at: z
      .string()
      .nullable()
      .openapi({ description: "Until then, deliveries are signed with the previous secret too." }),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("WebhookEndpoint");

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (`whsec_…`). Shown only in this response; store it now.",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookEndpointWithSecret");

export type WebhookEndpointResponse = z.infer<typeof WebhookEndpointSchema>;

const url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .openapi({ description: "https URL on a public host.", example: "https://shop.example.com/hooks/stockroom" });
const eventTypes = z
  .array(z.string().trim().min(1).max(64))
  .min(1)
  .max(50)
  .openapi({ description: "Event types to receive: exact types, `resource.*` (e.g. `product.*`) or `*`." });
const rateLimit = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .nullable()
  .openapi({ description: "Most deliveries started per second for this endpoint; null for no limit." });

export const CreateWebhookEndpointSchema = z
  .strictObject({
    url,
    event_types: eventTypes,
    description: z.string().trim().max(500).default(""),
    enabled: z.boolean().default(true),
    rate_limit_per_second: rateLimit.default(null),
  })
  .openapi("CreateWebhookEndpoint");

export const UpdateWebhookEndpointSchema = z
  .strictObject({
    url: url.optional(),
    event_types: eventTypes.optional(),
    description: z.string().trim().max(500).optional(),
    enabled: z.boolean().optional().openapi({ description: "Enabling again resets the failure count." }),
    rate_limit_per_second: rateLimit.optional(),
  })
  .openapi("UpdateWebhookEndpoint");

export type CreateWebhookEndpoint = z.infer<typeof CreateWebhookEndpointSchema>;
export type UpdateWebhookEndpoint = z.infer<typeof UpdateWebhookEndpointSchema>;

export const ListWebhookEndpointsQuery = pageQuery.extend({
  enabled: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
});

export const WebhookEndpointPage = pageSchema(WebhookEndpointSchema).openapi("WebhookEndpointPage");

export const TestDeliverySchema = z
  .object({ event_id: z.string(), delivery_id: z.string() })
  .openapi("WebhookTestDelivery", { description: "The `webhook.ping` event and its delivery; follow it there." });

export const ReplaySinceQuery = z.object({
  since: z.iso
    .datetime({ offset: true })
    .openapi({ description: "Replay failed deliveries created at or after this time." }),
});

export const ReplayedSchema = z
  .object({ replayed: z.number().int().openapi({ description: "How many failed deliveries were sent again." }) })
  .openapi("WebhookReplayResult");

export function toEndpointResponse(
  row: typeof webhookEndpoints.$inferSelect,
  now = Date.now(),
): WebhookEndpointResponse {
  const overlap = row.previousSecretExpiresAt !== null && Date.parse(row.previousSecretExpiresAt) > now;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.eventTypes,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt,
    rate_limit_per_second: row.rateLimitPerSecond,
    consecutive_failures: row.consecutiveFailures,
    previous_secret_expires_at: overlap ? row.previousSecretExpiresAt : null,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
