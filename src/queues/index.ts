/*
 * One entry point for every queue: the batch is dispatched by queue name to its
 * consumer. A queue without a consumer throws, so its messages are retried and end
 * in the dead-letter queue instead of being acknowledged and lost.
 */
import { consumeEvents, consumeEventsDeadLetters } from "./events";
import { consumeJobs, consumeJobsDeadLetters } from "./jobs";
import { consumeWebhooks, consumeWebhooksDeadLetters } from "./webhooks";

type Consumer = (batch: MessageBatch, env: Env, ctx: ExecutionContext) => Promise<void>;

const consumers: Record<string, Consumer> = {
  "stockroom-events": consumeEvents,
  "stockroom-events-dlq": consumeEventsDeadLetters,
  "stockroom-webhooks": consumeWebhooks,
  "stockroom-webhooks-dlq": consumeWebhooksDeadLetters,
  "stockroom-jobs": consumeJobs,
  "stockroom-jobs-dlq": consumeJobsDeadLetters,
};

export async function handleQueue(batch: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
  const baseName = batch.queue.replace(/-(preview|staging)$/, "");
  const consumer = consumers[baseName];
  if (!consumer) throw new Error(`No consumer for queue ${batch.queue}`);
  await consumer(batch, env, ctx);
}
