import { createDb } from "../db/client";
import { log } from "../lib/log";
import { flushOutbox } from "../modules/events";
import { expireOrder, orderDeps } from "../modules/orders";
import { backoffSeconds } from "../modules/webhooks";
import { isMessageOf, logMessageError } from "./messages";

/** Sent by a stock object's alarm for each expired hold that belongs to an order. */
interface ReservationExpired {
  type: "reservation.expired";
  order_id: string;
  reservation_id: string;
}

const isReservationExpired = isMessageOf<ReservationExpired>({ type: "string", order_id: "string" });

/**
 * JOBS: background work addressed by message `type`, each message acknowledged or
 * retried on its own. A type nobody handles is retried into the dead-letter queue
 * rather than dropped.
 */
export async function consumeJobs(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  const deps = orderDeps(env, db);
  for (const message of batch.messages) {
    try {
      if (!isReservationExpired(message.body) || message.body.type !== "reservation.expired") {
        throw new Error("unknown job type");
      }
      await expireOrder(deps, message.body.order_id);
      message.ack();
    } catch (err) {
      logMessageError(batch.queue, message, err);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
  await flushOutbox(db, env.EVENTS);
}

/**
 * JOBS dead letters: a `reservation.expired` that failed every attempt. The every-minute
 * order sweep cancels expired pending orders by itself, so nothing is lost by acknowledging
 * it; it is logged at error level so the failure is seen.
 */
export async function consumeJobsDeadLetters(batch: MessageBatch): Promise<void> {
  for (const message of batch.messages) {
    log.error("job dead-lettered; the order sweep covers it", {
      queue: batch.queue,
      message_id: message.id,
      body: message.body,
    });
    message.ack();
  }
}
