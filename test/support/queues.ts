import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

/** A queue producer that keeps what is sent instead of delivering it. */
export function captureQueue<T>() {
  const sent: { body: T; delaySeconds?: number | undefined }[] = [];
  const queue = {
    async send(body: T, options?: QueueSendOptions) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<T>>) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  } as unknown as Queue<T>;
  return { queue, sent };
}

/**
 * Runs the worker's queue handler on a hand-made batch, as the runtime would.
 * `retries` holds the options each message was retried with (the harness's
 * `getQueueResult` does not report `delaySeconds`).
 */
export async function runQueue<T>(
  queue: string,
  messages: { body: T; attempts?: number }[],
  bindings: Partial<Env> = {},
): Promise<{ result: QueueResult; ids: string[]; retries: Map<string, QueueRetryOptions | undefined> }> {
  const ids = messages.map(() => crypto.randomUUID());
  const batch = createMessageBatch<T>(
    queue,
    messages.map((m, i) => ({ id: ids[i] ?? "", timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  const retries = new Map<string, QueueRetryOptions | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      retries.set(message.id, options);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch, { ...env, ...bindings }, ctx);
  return { result: await getQueueResult(batch, ctx), ids, retries };
}
