import { eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { events } from "../db/schema";
import type { EventMessage } from "../modules/events/publisher";
import { backoffSeconds } from "../modules/webhooks/deliveries/backoff";
import { markOrderPipelineDead, runOrderPipelineForEvent } from "../modules/orders/pipeline";
import { fanOutEvent } from "../modules/webhooks/deliveries/fan-out";
import { isMessageOf, logMessageError } from "./messages";

const isEventMessage = isMessageOf<EventMessage>({ event_id: "string" });

/**
 * EVENTS: the fan-out of each published event (today: webhook deliveries). The
 * events of a batch are fanned out concurrently, and each message is acknowledged or
 * retried on its own, so one failing event does not hold back the rest.
 */
export async function consumeEvents(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isEventMessage(message.body)) {
        logMessageError(batch.queue, message, "malformed message dropped");
        message.ack();
        return;
      }
      try {
        await fanOutEvent(db, env.WEBHOOKS, message.body.event_id);
        await runOrderPipelineForEvent(env, message.body.event_id);
        message.ack();
      } catch (err) {
        logMessageError(batch.queue, message, err);
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}

/**
 * EVENTS dead letters: fan-out failed on every retry (D1 unavailable for hours).
 * The event is put back in the outbox as unsent, so the every-minute sweep
 * publishes it again rather than letting it be lost.
 */
export async function consumeEventsDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    if (isEventMessage(message.body)) {
      await db.update(events).set({ sentAt: null }).where(eq(events.id, message.body.event_id));
      await markOrderPipelineDead(env, message.body.event_id);
    }
    message.ack();
  }
}
