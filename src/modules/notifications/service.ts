/*
 * Customer notifications: for each order event that concerns a customer, the email
 * they would receive is recorded (recipient, subject, body, when), once per event
 * and template, so a redelivered event writes nothing new. Orders without a customer
 * (anonymous direct sales) notify nobody. Delivery is left to a later integration.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { notifications, users } from "../../db/schema";
import { newId } from "../../lib/ids";
import { formatMoney } from "../../lib/money";
import { nowIso } from "../../lib/time";

export interface OrderEvent {
  id: string;
  type: string;
  resourceId: string;
  data: Record<string, unknown>;
  createdAt: string;
}

interface Message {
  template: string;
  subject: string;
  body: string;
}

function messageFor(event: OrderEvent): Message | null {
  const order = event.resourceId;
  const money = (key: string) =>
    formatMoney(Number(event.data[key] ?? 0), typeof event.data.currency === "string" ? event.data.currency : "USD");
  switch (event.type) {
    case "order.created":
      return {
        template: "order_received",
        subject: `We received your order ${order}`,
        body: `Thank you. Your order ${order} for ${money("total")} is reserved for you until it is paid.`,
      };
    case "order.paid":
      return {
        template: "payment_received",
        subject: `Payment received for order ${order}`,
        body: `We received ${money("total")} for order ${order} and are preparing it. Your invoice follows.`,
      };
    case "order.completed":
      return {
        template: "order_fulfilled",
        subject: `Your order ${order} is on its way`,
        body: `Order ${order} has been fulfilled.`,
      };
    case "order.cancelled":
      return {
        template: "order_cancelled",
        subject: `Your order ${order} was cancelled`,
        body: `Order ${order} was cancelled (${String(event.data.reason ?? "requested")}).${
          event.data.refund_id ? " Your payment will be refunded." : ""
        }`,
      };
    case "order.refunded":
      return {
        template: "order_refunded",
        subject: `Refund for order ${order}`,
        body: `We refunded ${money("amount")} for order ${order}. A credit note follows.`,
      };
    default:
      return null;
  }
}

export async function recordOrderNotification(db: Database, event: OrderEvent): Promise<void> {
  const message = messageFor(event);
  const customerId = typeof event.data.customer_id === "string" ? event.data.customer_id : null;
  if (!message || !customerId) return;
  const [customer] = await db.select({ email: users.email }).from(users).where(eq(users.id, customerId)).limit(1);
  if (!customer) return;
  await db
    .insert(notifications)
    .values({
      id: newId("ntf"),
      eventId: event.id,
      channel: "email",
      recipient: customer.email,
      customerId,
      orderId: event.resourceId,
      ...message,
      status: "pending",
      sendAt: event.createdAt,
      createdAt: nowIso(),
    })
    .onConflictDoNothing();
}
