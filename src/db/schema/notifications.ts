import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Customer notifications: what would be emailed, to whom, and when. Written by the
 * order pipeline, one per (event, template), so a redelivered event adds nothing.
 * Sending them is a later integration; `status` stays `pending` until then.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    template: text("template").notNull(),
    channel: text("channel", { enum: ["email"] }).notNull(),
    recipient: text("recipient").notNull(),
    customerId: text("customer_id"),
    orderId: text("order_id"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent"] }).notNull(),
    sendAt: text("send_at").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_event_template").on(t.eventId, t.template),
    index("notifications_order").on(t.orderId, t.createdAt),
    index("notifications_customer").on(t.customerId, t.createdAt),
  ],
);
