import { eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { events } from "../db/schema";
import { markOrderPipelineDead, runOrderPipelineForEvent } from "../flows/order-pipeline";
import { runReturnPipelineForEvent } from "../flows/return-pipeline";
import type { EventMessage } from "../modules/events";
import { backoffSeconds, fanOutEvents } from "../modules/webhooks";
import { isMessageOf, logMessageError } from "./messages";

const isEventMessage = isMessageOf<EventMessage>({ event_id: "string" });

/**
 * EVENTS: the work each published event triggers: webhook deliveries (fanned out
 * for the whole batch at once), then the order and return pipelines. Each message is
 * acknowledged or retried on its own; both steps are idempotent by event id, so a
 * retried message repeats nothing that already happened.
 */
export async function consumeEvents(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  const messages = batch.messages.filter((message): message is Message<EventMessage> => {
    if (isEventMessage(message.body)) return true;
    logMessageError(batch.queue, message, "malformed message dropped");
    message.ack();
    return false;
  });
  const retry = (message: Message, err: unknown) => {
    logMessageError(batch.queue, message, err);
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
  };
  try {
    await fanOutEvents(
      db,
      env.WEBHOOKS,
      messages.map((m) => m.body.event_id),
    );
  } catch (err) {
    for (const message of messages) retry(message, err);
    return;
  }
  await Promise.all(
    messages.map(async (message) => {
      try {
        await runOrderPipelineForEvent(env, message.body);
        await runReturnPipelineForEvent(env, message.body);
        message.ack();
      } catch (err) {
        retry(message, err);
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
