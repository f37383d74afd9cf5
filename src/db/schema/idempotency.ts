import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Stored responses for `Idempotency-Key` requests, per caller, kept 24 h (docs/architecture.md, "API conventions"). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    actorKey: text("actor_key").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_progress", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    responseType: text("response_type"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorKey, t.key] }), index("idempotency_expires").on(t.expiresAt)],
);
