/*
 * A WEBHOOKS batch is delivered in one lane per endpoint, all lanes at once: a slow or
 * dead receiver only ever occupies its own lane. Within a lane, messages go one at a
 * time until one attempt has shown how the endpoint is doing (deliver.ts, `probed`):
 * if it answered, the rest go together; if it did not answer, the endpoint is held off
 * and the rest are retried without each waiting out the timeout too.
 */
import { type Decision, type DeliveryDeps, type DeliveryRow, deliver } from "./deliver";
import type { DeliveryMessage } from "./dispatch";

export interface QueuedDelivery {
  message: DeliveryMessage;
  /** The queue's delivery count for this message, 1 on the first. */
  queueAttempt: number;
  /** Called with what the queue should do with the message. */
  done(decision: Decision): void;
  /** Called instead when our own side failed (D1, crypto). */
  failed(err: unknown): void;
}

export async function deliverByEndpoint(
  deps: DeliveryDeps,
  batch: QueuedDelivery[],
  rows: Map<string, DeliveryRow>,
): Promise<void> {
  const lanes = new Map<string, QueuedDelivery[]>();
  for (const item of batch) {
    // Messages without a row (endpoint deleted) are acknowledged at once, in a lane of their own.
    const endpointId = rows.get(item.message.delivery_id)?.endpoint.id ?? "";
    const lane = lanes.get(endpointId);
    if (lane) lane.push(item);
    else lanes.set(endpointId, [item]);
  }
  await Promise.all([...lanes.values()].map((lane) => deliverLane(deps, lane, rows)));
}

async function deliverLane(deps: DeliveryDeps, lane: QueuedDelivery[], rows: Map<string, DeliveryRow>) {
  let heldUntil = rows.get(lane[0]?.message.delivery_id ?? "")?.endpoint.heldUntil ?? null;
  const attempt = async (item: QueuedDelivery): Promise<boolean> => {
    try {
      const outcome = await deliver(
        deps,
        item.message,
        item.queueAttempt,
        rows.get(item.message.delivery_id),
        heldUntil,
      );
      if (outcome.heldUntil !== undefined) heldUntil = outcome.heldUntil;
      item.done(outcome.decision);
      return outcome.probed;
    } catch (err) {
      item.failed(err);
      return false;
    }
  };
  let next = 0;
  while (next < lane.length) {
    const item = lane[next++];
    if (item && (await attempt(item))) break;
  }
  await Promise.all(lane.slice(next).map(attempt));
}
