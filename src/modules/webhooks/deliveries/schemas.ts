import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, type webhookAttempts, type webhookDeliveries } from "../../../db/schema";
import { pageQuery, pageSchema } from "../../../lib/pagination";

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "dlv_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    endpoint_id: z.string(),
    event_id: z.string().openapi({ description: "Also the `webhook-id` header of every attempt and replay." }),
    event_type: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    run: z.number().int().openapi({ description: "1 for the first send, one more for each replay." }),
    attempt_count: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("WebhookDelivery");

export const WebhookAttemptSchema = z
  .object({
    number: z.number().int(),
    run: z.number().int(),
    started_at: z.string(),
    status_code: z.number().int().nullable().openapi({ description: "Null when no answer came (see `error`)." }),
    error: z.string().nullable(),
    latency_ms: z.number().int(),
    response_excerpt: z.string().nullable().openapi({ description: "The first 1 KiB of the response body." }),
  })
  .openapi("WebhookAttempt");

export const WebhookDeliveryDetailSchema = WebhookDeliverySchema.extend({
  attempts: z.array(WebhookAttemptSchema),
}).openapi("WebhookDeliveryDetail");

export const WebhookDeliveryPage = pageSchema(WebhookDeliverySchema).openapi("WebhookDeliveryPage");

export const ListDeliveriesQuery = pageQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
  event_type: z.string().max(64).optional(),
});

export function toDeliveryResponse(row: typeof webhookDeliveries.$inferSelect): z.infer<typeof WebhookDeliverySchema> {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    run: row.run,
    attempt_count: row.attemptCount,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    next_attempt_at: row.nextAttemptAt,
    completed_at: row.completedAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export function toAttemptResponse(row: typeof webhookAttempts.$inferSelect): z.infer<typeof WebhookAttemptSchema> {
  return {
    number: row.number,
    run: row.run,
    started_at: row.startedAt,
    status_code: row.statusCode,
    error: row.error,
    latency_ms: row.latencyMs,
    response_excerpt: row.responseExcerpt,
  };
}
