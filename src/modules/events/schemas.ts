import { z } from "@hono/zod-openapi";
import type { events } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    type: z.string().openapi({ example: "product.published" }),
    resource_type: z.string(),
    resource_id: z.string(),
    created_at: z.string(),
    sent_at: z.string().nullable().openapi({ description: "When the event reached the event queue." }),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");

export const EventPage = pageSchema(EventSchema).openapi("EventPage");

const timestamp = z.iso.datetime({ offset: true });

export const ListEventsQuery = pageQuery.extend({
  type: z.string().max(64).optional().openapi({ description: "Exact event type." }),
  resource_id: z.string().max(64).optional(),
  created_from: timestamp.optional().openapi({ description: "Inclusive lower bound on `created_at`." }),
  created_to: timestamp.optional().openapi({ description: "Exclusive upper bound on `created_at`." }),
});

export const EventTypeSchema = z
  .object({
    type: z.string(),
    description: z.string(),
    audience: z.enum(["broadcast", "endpoint"]).openapi({
      description: "`broadcast`: every subscribed endpoint; `endpoint`: only the endpoint it concerns.",
    }),
    data_schema: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of `data`." }),
  })
  .openapi("EventType");

export const EventTypeList = z.object({ data: z.array(EventTypeSchema) }).openapi("EventTypeList");

export function toEventResponse(row: typeof events.$inferSelect): z.infer<typeof EventSchema> {
  return {
    id: row.id,
    type: row.type,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    created_at: row.createdAt,
    sent_at: row.sentAt,
    data: row.data,
  };
}
