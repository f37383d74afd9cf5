import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { events } from "../../db/schema";

export type StoredEvent = Pick<typeof events.$inferSelect, "id" | "type" | "resourceId" | "data" | "createdAt">;

/** The latest event of this type about this resource (the order flow notifies from the event its step wrote). */
export async function latestEventOf(db: Database, resourceId: string, type: string): Promise<StoredEvent | undefined> {
  const [row] = await db
    .select({
      id: events.id,
      type: events.type,
      resourceId: events.resourceId,
      data: events.data,
      createdAt: events.createdAt,
    })
    .from(events)
    .where(and(eq(events.resourceId, resourceId), eq(events.type, type)))
    .orderBy(desc(events.createdAt))
    .limit(1);
  return row;
}

/** Whether the event with this id was committed (a keyed effect's own event, see `OutboxEvent.id`). */
export async function eventRecorded(db: Database, id: string): Promise<boolean> {
  const [row] = await db.select({ id: events.id }).from(events).where(eq(events.id, id)).limit(1);
  return row !== undefined;
}
