import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The transactional outbox and event log (docs/architecture.md, "Events, queues and webhooks"): a row is written in
 * the same D1 batch as the change it describes; `sent_at` is set once it is on the queue.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
    sendAttempts: integer("send_attempts").notNull().default(0),
  },
  (t) => [
    index("events_unsent").on(t.sentAt, t.createdAt),
    index("events_type_created").on(t.type, t.createdAt),
    index("events_resource").on(t.resourceId, t.createdAt),
    // The log's order (newest first) and its retention both go by time.
    index("events_created").on(t.createdAt, t.id),
  ],
);
