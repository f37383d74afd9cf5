import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookEndpoints } from "../../../src/db/schema";
import type { DeliveryMessage } from "../../../src/modules/webhooks/deliveries/dispatch";
import { createEndpoint, db, deliveryRow, fanOutByHand, runQueue, useWebhookReceivers } from "../../support/webhooks";

const hooks = useWebhookReceivers();
// The timeout is shortened so the hanging receiver's attempt ends within the test.
const SHORT_TIMEOUT = { WEBHOOK_TIMEOUT_SECONDS: "1" };
const TYPE = "product.updated";

/** Runs `messages` as one WEBHOOKS batch (each the queue's `attempts`-th try) and says what became of each. */
async function runBatch(messages: DeliveryMessage[], attempts = 1) {
  const { result, ids, retries } = await runQueue(
    "stockroom-webhooks",
    messages.map((body) => ({ body, attempts })),
    SHORT_TIMEOUT,
  );
  return messages.map((message, i) => {
    const id = ids[i] ?? "";
    const retried = result.retryMessages.some((r) => r.msgId === id);
    return {
      deliveryId: message.delivery_id,
      acked: result.explicitAcks.includes(id),
      delaySeconds: retried ? (retries.get(id)?.delaySeconds ?? null) : undefined,
    };
  });
}

describe("a receiver that never answers", () => {
  it("holds up neither a healthy endpoint in the same batch nor, for 30 s, its own other messages", async () => {
    const log: string[] = [];
    const hangingUrl = hooks.receivers.add(
      (request) => new Promise<Response>(() => request.signal?.addEventListener("abort", () => log.push("timeout"))),
    );
    const healthyUrl = hooks.receivers.add(() => {
      log.push("healthy");
      return new Response(null, { status: 204 });
    });
    const hanging = await createEndpoint(hooks.admin, { url: hangingUrl, event_types: [TYPE] });
    const healthy = await createEndpoint(hooks.admin, { url: healthyUrl, event_types: [TYPE] });

    const eventIds: string[] = [];
    const toHanging: DeliveryMessage[] = [];
    const toHealthy: DeliveryMessage[] = [];
    for (let i = 0; i < 3; i++) {
      const { eventId, messages } = await fanOutByHand(TYPE, { id: `prd_slow${i}`, version: 1 });
      eventIds.push(eventId);
      for (const message of messages) {
        const { endpointId } = await deliveryRow(message.delivery_id);
        if (endpointId === hanging.id) toHanging.push(message);
        if (endpointId === healthy.id) toHealthy.push(message);
      }
    }
    expect([toHanging.length, toHealthy.length]).toEqual([3, 3]);

    // The hanging endpoint's messages come first in the batch.
    const first = await runBatch([...toHanging, ...toHealthy]);
    expect(log).toEqual(["healthy", "healthy", "healthy", "timeout"]);
    expect(hooks.receivers.received(healthyUrl, ...eventIds)).toHaveLength(3);
    expect(first.slice(3).every((m) => m.acked)).toBe(true);
    for (const message of toHealthy) expect((await deliveryRow(message.delivery_id)).status).toBe("succeeded");

    // One attempt waited out the timeout; the other two were not sent, and all three come back after the hold.
    expect(hooks.receivers.received(hangingUrl, ...eventIds)).toHaveLength(1);
    for (const outcome of first.slice(0, 3)) {
      expect(outcome.acked).toBe(false);
      expect(outcome.delaySeconds).toBeGreaterThanOrEqual(28);
      expect(outcome.delaySeconds).toBeLessThanOrEqual(36);
    }
    const rows = await Promise.all(toHanging.map((m) => deliveryRow(m.delivery_id)));
    expect(rows.map((r) => [r.status, r.attemptCount])).toEqual([
      ["pending", 1],
      ["pending", 1],
      ["pending", 1],
    ]);
    const errors = rows.map((r) => r.lastError ?? "");
    expect(errors.filter((e) => e.startsWith("No answer within 1 s"))).toHaveLength(1);
    expect(errors.filter((e) => e.startsWith("Not sent: the endpoint left an attempt unanswered"))).toHaveLength(2);

    // A later batch during the hold sends nothing to it and retries everything again.
    const second = await runBatch(toHanging, 2);
    expect(hooks.receivers.received(hangingUrl, ...eventIds)).toHaveLength(1);
    expect(second.every((m) => !m.acked && (m.delaySeconds ?? 0) >= 25)).toBe(true);

    // Once the hold is over, one message tries again (and, unanswered again, holds the endpoint off again).
    await db
      .update(webhookEndpoints)
      .set({ heldUntil: Date.now() - 1 })
      .where(eq(webhookEndpoints.id, hanging.id));
    const third = await runBatch(toHanging, 3);
    expect(hooks.receivers.received(hangingUrl, ...eventIds)).toHaveLength(2);
    expect(third.every((m) => !m.acked && (m.delaySeconds ?? 0) >= 28)).toBe(true);
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, hanging.id));
    expect(endpoint?.heldUntil).toBeGreaterThan(Date.now());
    expect((await Promise.all(toHanging.map((m) => deliveryRow(m.delivery_id)))).map((r) => r.attemptCount)).toEqual([
      3, 3, 3,
    ]);
  });
});
