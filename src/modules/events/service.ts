/*
 * The event log: every event the outbox recorded, for staff to inspect and for
 * webhook consumers to reconcile against, kept 30 days (see retention.ts). Events
 * are immutable. Lists are newest first by id, which is time-sortable.
 */
import { z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { events } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { decodeCursor, toPage } from "../../lib/pagination";
import { EVENT_TYPES, eventDefinition } from "./event-types";
import { toEventResponse } from "./schemas";

export interface EventFilter {
  limit: number;
  cursor?: string | undefined;
  type?: string | undefined;
  resource_id?: string | undefined;
  created_from?: string | undefined;
  created_to?: string | undefined;
}

export async function listEvents(db: Database, filter: EventFilter) {
  const where: SQL[] = [];
  if (filter.type) where.push(eq(events.type, filter.type));
  if (filter.resource_id) where.push(eq(events.resourceId, filter.resource_id));
  if (filter.created_from) where.push(gte(events.createdAt, new Date(filter.created_from).toISOString()));
  if (filter.created_to) where.push(lt(events.createdAt, new Date(filter.created_to).toISOString()));
  if (filter.cursor) where.push(lt(events.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toEventResponse);
}

export async function getEvent(db: Database, id: string) {
  const [row] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  if (!row) throw notFound("Event");
  return toEventResponse(row);
}

export function listEventTypes() {
  return {
    data: EVENT_TYPES.map((type) => {
      const definition = eventDefinition(type);
      return {
        type,
        description: definition.description,
        audience: definition.audience,
        data_schema: z.toJSONSchema(definition.data, { target: "draft-2020-12" }) as Record<string, unknown>,
      };
    }),
  };
}
