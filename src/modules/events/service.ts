/*
 * The event log: every event the outbox recorded, for staff to inspect and for
 * webhook consumers to reconcile against, kept 30 days (see retention.ts). Events
 * are immutable. Lists are newest first by `created_at` (then id): a keyed step's event
 * has an id derived from its key, which says nothing about when it was written.
 */
import { z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
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
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, 2);
    const before = or(
      lt(events.createdAt, String(at)),
      and(eq(events.createdAt, String(at)), lt(events.id, String(id))),
    );
    if (before) where.push(before);
  }
  const rows = await db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.createdAt), desc(events.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.createdAt, r.id], toEventResponse);
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
