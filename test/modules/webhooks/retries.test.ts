import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { verifyWebhook } from "../../../packages/client/src/verify";
import { auditLogs, events, webhookEndpoints } from "../../../src/db/schema";
import type { DeliveryMessage } from "../../../src/modules/webhooks/deliveries/dispatch";
import { call } from "../../support/http";
import { createEndpoint, db, deliveryRow, fanOutByHand, runQueue, useWebhookReceivers } from "../../support/webhooks";

const hooks = useWebhookReceivers();

interface AttemptBody {
  number: number;
  run: number;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_excerpt: string | null;
}
interface DeliveryBody {
  id: string;
  status: string;
  run: number;
  attempt_count: number;
  event_id: string;
  attempts: AttemptBody[];
}

async function oneDelivery(url: string, type = "product.updated") {
  const endpoint = await createEndpoint(hooks.admin, { url, event_types: [type] });
  const { eventId, messages } = await fanOutByHand(type, { id: "prd_r", version: 4 });
  expect(messages).toHaveLength(1);
  const message = messages[0] as DeliveryMessage;
  return { endpoint, eventId, message };
}

/** Delivers `message` as the queue's `attempts`-th try and returns what the consumer asked the queue to do. */
async function attempt(message: DeliveryMessage, attempts: number) {
  const { result, ids, retries } = await runQueue("stockroom-webhooks", [{ body: message, attempts }]);
  const id = ids[0] ?? "";
  const retried = result.retryMessages.some((r) => r.msgId === id);
  return { acked: result.explicitAcks.includes(id), retry: retried ? (retries.get(id) ?? {}) : undefined };
}

const detail = (id: string) => call<DeliveryBody>("GET", `/v1/webhook-deliveries/${id}`, { token: hooks.admin.token });

describe("retries", () => {
  it("delivers on the 4th attempt after 3 failures, with 4 attempts recorded", async () => {
    const url = hooks.receivers.add((_, n) =>
      n <= 3 ? new Response(`down ${n}`, { status: 500 }) : new Response("ok"),
    );
    const { message, eventId, endpoint } = await oneDelivery(url);

    const waits: (number | undefined)[] = [];
    for (const n of [1, 2, 3]) {
      const { acked, retry } = await attempt(message, n);
      expect(acked).toBe(false);
      waits.push(retry?.delaySeconds);
    }
    // About 5 s, 30 s and 2 min, each within ±20 % jitter.
    expect(waits[0]).toBeGreaterThanOrEqual(4);
    expect(waits[0]).toBeLessThanOrEqual(6);
    expect(waits[1]).toBeGreaterThanOrEqual(24);
    expect(waits[1]).toBeLessThanOrEqual(36);
    expect(waits[2]).toBeGreaterThanOrEqual(96);
    expect(waits[2]).toBeLessThanOrEqual(144);
    expect((await deliveryRow(message.delivery_id)).nextAttemptAt).not.toBeNull();

    expect((await attempt(message, 4)).acked).toBe(true);

    const res = await detail(message.delivery_id);
    expect(res.body).toMatchObject({ status: "succeeded", attempt_count: 4, run: 1, event_id: eventId });
    expect(res.body.attempts.map((a) => [a.number, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(res.body.attempts[0]?.response_excerpt).toBe("down 1");
    expect(res.body.attempts.every((a) => a.latency_ms >= 0 && a.error === null)).toBe(true);

    // The same webhook-id every time, each attempt freshly signed.
    const requests = hooks.receivers.received(url, eventId);
    expect(requests.map((r) => r.headers.get("webhook-id"))).toEqual([eventId, eventId, eventId, eventId]);
    for (const r of requests) await verifyWebhook(endpoint.secret, r.headers, r.body);

    // A late duplicate of the message changes nothing once the delivery succeeded.
    expect((await attempt(message, 2)).acked).toBe(true);
    expect(hooks.receivers.received(url, eventId)).toHaveLength(4);
  });

  it("honours Retry-After on 429 and 5xx, and backs off on other 4xx and network errors", async () => {
    let answer: () => Response | Promise<Response> = () =>
      new Response(null, { status: 429, headers: { "retry-after": "42" } });
    const url = hooks.receivers.add(() => answer());
    const { message } = await oneDelivery(url);

    expect((await attempt(message, 1)).retry?.delaySeconds).toBe(42);

    answer = () =>
      new Response(null, { status: 503, headers: { "retry-after": new Date(Date.now() + 90_000).toUTCString() } });
    const dated = (await attempt(message, 2)).retry?.delaySeconds ?? 0;
    expect(dated).toBeGreaterThanOrEqual(88);
    expect(dated).toBeLessThanOrEqual(91);

    // Retry-After on a 400 is not a promise to honour: ordinary backoff (≈ 2 min after attempt 3).
    answer = () => new Response("bad", { status: 400, headers: { "retry-after": "1" } });
    expect((await attempt(message, 3)).retry?.delaySeconds).toBeGreaterThanOrEqual(96);

    // A redirect is not followed: it is a failure like any other.
    answer = () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/" } });
    expect((await attempt(message, 4)).retry?.delaySeconds).toBeGreaterThanOrEqual(480);

    answer = () => Promise.reject(new TypeError("connection refused"));
    const { retry } = await attempt(message, 5);
    expect(retry?.delaySeconds).toBeGreaterThanOrEqual(1440);

    const res = await detail(message.delivery_id);
    expect(res.body.status).toBe("pending");
    expect(res.body.attempts.map((a) => a.status_code)).toEqual([429, 503, 400, 302, null]);
    expect(res.body.attempts[4]?.error).toContain("connection refused");
  });

  it("sends a delivery that failed every attempt to the dead-letter queue, marks it failed, and replays it", async () => {
    const url = hooks.receivers.add(() => new Response("nope", { status: 500 }));
    const { message, eventId, endpoint } = await oneDelivery(url);

    for (let n = 1; n <= 7; n++) expect((await attempt(message, n)).retry?.delaySeconds).toBeGreaterThan(0);
    // The 8th failure asks for a retry the queue cannot grant (max_retries = 7): dead-letter queue.
    const last = await attempt(message, 8);
    expect(last.retry).toBeDefined();
    expect(last.retry?.delaySeconds).toBeUndefined();
    expect((await deliveryRow(message.delivery_id)).status).toBe("pending");

    const dead = await runQueue("stockroom-webhooks-dlq", [{ body: message, attempts: 1 }]);
    expect(dead.result.explicitAcks).toEqual(dead.ids);
    let res = await detail(message.delivery_id);
    expect(res.body).toMatchObject({ status: "failed", attempt_count: 8 });
    const [counted] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(counted?.consecutiveFailures).toBe(1);

    // Replay: a new run through the real queue, same webhook-id; the receiver is healthy again.
    hooks.receivers.answer(url, () => new Response("thanks"));
    const replay = await call<DeliveryBody>("POST", `/v1/webhook-deliveries/${message.delivery_id}/replay`, {
      token: hooks.admin.token,
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: "pending", run: 2 });
    await vi.waitFor(async () => expect((await deliveryRow(message.delivery_id)).status).toBe("succeeded"), {
      timeout: 15_000,
      interval: 100,
    });
    res = await detail(message.delivery_id);
    expect(res.body.attempts).toHaveLength(9);
    expect(res.body.attempts[8]).toMatchObject({ number: 9, run: 2, status_code: 200 });
    const last9 = hooks.receivers.received(url, eventId).at(-1);
    expect(last9?.headers.get("webhook-id")).toBe(eventId);

    // A message of the superseded run is ignored, and success reset the failure count.
    expect((await attempt(message, 3)).acked).toBe(true);
    const [reset] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(reset?.consecutiveFailures).toBe(0);
  });

  it("disables the endpoint on 410 and announces it with webhook.endpoint_disabled", async () => {
    const url = hooks.receivers.add(() => new Response("gone", { status: 410 }));
    const { message, endpoint, eventId } = await oneDelivery(url);

    expect((await attempt(message, 1)).acked).toBe(true);
    const res = await detail(message.delivery_id);
    expect(res.body).toMatchObject({ status: "failed", attempt_count: 1 });
    expect(res.body.attempts[0]?.status_code).toBe(410);

    const after = await call<{ enabled: boolean; disabled_reason: string; version: number }>(
      "GET",
      `/v1/webhooks/${endpoint.id}`,
      { token: hooks.admin.token },
    );
    expect(after.body).toMatchObject({ enabled: false, disabled_reason: "gone", version: 2 });
    const announced = await db.select().from(events).where(eq(events.resourceId, endpoint.id));
    expect(announced.map((e) => [e.type, e.data])).toEqual([
      [
        "webhook.endpoint_disabled",
        { endpoint_id: endpoint.id, version: 2, url, reason: "gone", consecutive_failures: 0 },
      ],
    ]);
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.entityId, endpoint.id));
    expect(audit.map((a) => [a.action, a.actorType])).toContainEqual(["webhook.disabled", "system"]);

    // Nothing more is sent to a disabled endpoint: a later delivery fails without an attempt.
    const { messages } = await fanOutByHand("product.updated", { id: "prd_r", version: 5 });
    expect(messages).toHaveLength(0);
    expect(hooks.receivers.received(url, eventId)).toHaveLength(1);
  });

  it("disables the endpoint after 50 deliveries failed in a row, once", async () => {
    const url = hooks.receivers.add(() => new Response(null, { status: 500 }));
    const { endpoint } = await oneDelivery(url);
    await db.update(webhookEndpoints).set({ consecutiveFailures: 48 }).where(eq(webhookEndpoints.id, endpoint.id));

    const second = await fanOutByHand("product.updated", { id: "prd_r", version: 6 });
    const third = await fanOutByHand("product.updated", { id: "prd_r", version: 7 });
    const [a, b] = [second.messages[0], third.messages[0]] as DeliveryMessage[];
    if (!a || !b) throw new Error("no messages");

    await runQueue("stockroom-webhooks-dlq", [{ body: a }]);
    let [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row).toMatchObject({ enabled: true, consecutiveFailures: 49 });

    // The 50th, delivered twice by the queue at once: one disable, one event.
    await Promise.all([
      runQueue("stockroom-webhooks-dlq", [{ body: b }]),
      runQueue("stockroom-webhooks-dlq", [{ body: b }]),
    ]);
    [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row).toMatchObject({ enabled: false, disabledReason: "consecutive_failures", consecutiveFailures: 50 });
    const announced = await db.select().from(events).where(eq(events.resourceId, endpoint.id));
    expect(announced).toHaveLength(1);
    expect(announced[0]?.data).toMatchObject({ reason: "consecutive_failures", consecutive_failures: 50 });
  });

  it("fails a delivery whose stored URL is no longer allowed, without sending it", async () => {
    const url = hooks.receivers.add();
    const { message, endpoint, eventId } = await oneDelivery(url);
    await db
      .update(webhookEndpoints)
      .set({ url: "https://169.254.169.254/latest/meta-data" })
      .where(eq(webhookEndpoints.id, endpoint.id));

    expect((await attempt(message, 1)).acked).toBe(true);
    const res = await detail(message.delivery_id);
    expect(res.body.status).toBe("failed");
    expect(res.body.attempts[0]).toMatchObject({ status_code: null, error: expect.stringContaining("Refused") });
    expect(hooks.receivers.received(url, eventId)).toHaveLength(0);
  });
});
