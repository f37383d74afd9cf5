import { createDb } from "../db/client";
import { flushOutbox } from "../modules/events";
import {
  attemptTimeoutMs,
  backoffSeconds,
  type DeliveryDeps,
  type DeliveryMessage,
  deliverByEndpoint,
  loadDeliveries,
  recordExhausted,
} from "../modules/webhooks";
import { isMessageOf, logMessageError } from "./messages";

const isDeliveryMessage = isMessageOf<DeliveryMessage>({ delivery_id: "string", run: "number" });

function deliveryDeps(env: Env): DeliveryDeps {
  return {
    db: createDb(env.DB),
    encryptionKey: env.ENCRYPTION_KEY,
    allowInsecureLocalhost: env.WEBHOOKS_ALLOW_INSECURE_LOCALHOST === "true",
    timeoutMs: attemptTimeoutMs(env.WEBHOOK_TIMEOUT_SECONDS),
    webhooks: env.WEBHOOKS,
    events: env.EVENTS,
  };
}

/**
 * WEBHOOKS: one HTTP attempt per message, each acknowledged or retried on its own. The
 * batch is delivered in one lane per endpoint (src/modules/webhooks/deliveries/lanes.ts),
 * so a slow or dead receiver does not hold up the others.
 */
export async function consumeWebhooks(batch: MessageBatch, env: Env): Promise<void> {
  const deps = deliveryDeps(env);
  const messages = batch.messages.filter((message): message is Message<DeliveryMessage> => {
    if (isDeliveryMessage(message.body)) return true;
    logMessageError(batch.queue, message, "malformed message dropped");
    message.ack();
    return false;
  });
  const retryLater = (message: Message, err: unknown) => {
    // Our own failure (D1, crypto), not the receiver's: try again later.
    logMessageError(batch.queue, message, err);
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
  };
  let rows: Awaited<ReturnType<typeof loadDeliveries>>;
  try {
    rows = await loadDeliveries(
      deps.db,
      messages.map((m) => m.body.delivery_id),
    );
  } catch (err) {
    for (const message of messages) retryLater(message, err);
    return;
  }
  await deliverByEndpoint(
    deps,
    messages.map((message) => ({
      message: message.body,
      queueAttempt: message.attempts,
      done: (decision) => {
        if (decision.action === "ack") message.ack();
        else message.retry(decision.delaySeconds === undefined ? {} : { delaySeconds: decision.delaySeconds });
      },
      failed: (err) => retryLater(message, err),
    })),
    rows,
  );
}

/** WEBHOOKS dead letters: the delivery used its 8 attempts and is marked failed. */
export async function consumeWebhooksDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    if (isDeliveryMessage(message.body)) {
      if (await recordExhausted(db, message.body.delivery_id, message.body.run)) await flushOutbox(db, env.EVENTS);
    }
    message.ack();
  }
}
