import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DISABLED_REASONS = ["manual", "gone", "consecutive_failures"] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/** Where events are POSTed (docs/architecture.md, "Events, queues and webhooks"). Secrets are AES-256-GCM ciphertexts, never plaintext. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** Subscription patterns: exact types, `resource.*` or `*`. */
    eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    disabledReason: text("disabled_reason", { enum: DISABLED_REASONS }),
    disabledAt: text("disabled_at"),
    rateLimitPerSecond: integer("rate_limit_per_second"),
    /** Pacing state (GCRA): the earliest time, in epoch ms, the next delivery may start. */
    paceAt: integer("pace_at"),
    /** Epoch ms until which deliveries are not sent: an attempt went unanswered (deliveries/hold-off.ts). */
    heldUntil: integer("held_until"),
    secretCiphertext: text("secret_ciphertext").notNull(),
    previousSecretCiphertext: text("previous_secret_ciphertext"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /**
     * A fresh token written by every guarded update, so the audit row and event of
     * that update can be made conditional on this exact update having landed.
     */
    lastChangeId: text("last_change_id"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_enabled").on(t.enabled)],
);

/**
 * One event for one endpoint. `run` counts sends: a replay starts a new run, and
 * queue messages of an older run are ignored. `enqueued_at` is null while the
 * delivery still has to be handed to the WEBHOOKS queue (the sweep re-sends those).
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    run: integer("run").notNull().default(1),
    attemptCount: integer("attempt_count").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    enqueuedAt: text("enqueued_at"),
    nextAttemptAt: text("next_attempt_at"),
    completedAt: text("completed_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint").on(t.endpointId, t.id),
    index("webhook_deliveries_endpoint_status").on(t.endpointId, t.status, t.createdAt),
    index("webhook_deliveries_dispatch").on(t.status, t.enqueuedAt, t.updatedAt),
    index("webhook_deliveries_next_attempt").on(t.status, t.nextAttemptAt),
  ],
);

/** Every HTTP attempt of a delivery, numbered from 1 across runs. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    run: integer("run").notNull(),
    startedAt: text("started_at").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first 1 KiB of the response body. */
    responseExcerpt: text("response_excerpt"),
  },
  (t) => [primaryKey({ columns: [t.deliveryId, t.number] })],
);
