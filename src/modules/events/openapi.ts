import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { EVENT_TYPES, eventDefinition } from "./event-types";

const schemaName = (type: string) =>
  `${type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}Event`;

const SignatureHeaders = z.object({
  "webhook-id": z
    .string()
    .openapi({ description: "The event id; the same on every retry and replay. Deduplicate on it." }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed." }),
  "webhook-signature": z.string().openapi({
    description: "Space-separated `v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`; two during a secret rotation.",
  }),
});

/**
 * Documents every event type under the OpenAPI 3.1 `webhooks` section: what
 * Stockroom POSTs to a subscribed endpoint, and what the endpoint should answer.
 */
export function registerWebhookDocs(registry: OpenAPIHono["openAPIRegistry"]): void {
  for (const type of EVENT_TYPES) {
    const definition = eventDefinition(type);
    const envelope = z
      .object({
        id: z.string().openapi({ example: "evt_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
        type: z.literal(type),
        created_at: z.string().openapi({ example: "2026-11-02T10:15:00.000Z" }),
        data: definition.data,
      })
      .openapi(schemaName(type));
    registry.registerWebhook({
      method: "post",
      path: type,
      tags: ["Webhook events"],
      summary: definition.description,
      description:
        "Signed per Standard Webhooks. Deliveries are not ordered: use `data.version` to discard stale ones. " +
        "Answer 2xx within 10 s to acknowledge; 410 disables the endpoint; anything else is retried (8 attempts).",
      request: {
        headers: SignatureHeaders,
        body: { required: true, content: { "application/json": { schema: envelope } } },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the delivery." },
        410: { description: "The endpoint is gone: Stockroom disables it." },
      },
    });
  }
}
