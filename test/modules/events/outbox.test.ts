import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { verifyWebhook } from "../../../packages/client/src/verify";
import { events } from "../../../src/db/schema";
import worker from "../../../src/index";
import { eventInsert, eventInsertIf } from "../../../src/modules/events/outbox";
import { type EventMessage, flushOutbox } from "../../../src/modules/events/publisher";
import { call } from "../../support/http";
import {
  captureQueue,
  createEndpoint,
  db,
  deliveriesOfEvent,
  runQueue,
  useWebhookReceivers,
  writeEvent,
} from "../../support/webhooks";

const hooks = useWebhookReceivers();

async function eventRow(id: string) {
  const [row] = await db.select().from(events).where(eq(events.id, id));
  if (!row) throw new Error(`no event ${id}`);
  return row;
}

const failingQueue = () =>
  ({
    send: () => Promise.reject(new Error("queue unavailable")),
    sendBatch: () => Promise.reject(new Error("queue unavailable")),
  }) as unknown as Queue<EventMessage>;

describe("writing events", () => {
  it("refuses event types and payloads the catalog does not describe, before anything is written", () => {
    expect(() =>
      eventInsert(db, { type: "product.exploded", resourceType: "product", resourceId: "p", data: {} }),
    ).toThrow("Unknown event type");
    expect(() =>
      eventInsert(db, { type: "product.published", resourceType: "product", resourceId: "p", data: { id: "p" } }),
    ).toThrow("catalog schema");
  });

  it("keeps fields the catalog does not list (payloads may grow)", async () => {
    const id = await writeEvent("order.created", { id: "ord_x", version: 1, lines: [{ sku: "A", qty: 2 }] });
    expect((await eventRow(id)).data).toEqual({ id: "ord_x", version: 1, lines: [{ sku: "A", qty: 2 }] });
  });

  it("writes a conditional event only when its condition holds inside the batch", async () => {
    const data = { id: "prd_if", version: 1 };
    const yes = eventInsertIf(
      db,
      { type: "product.updated", resourceType: "product", resourceId: "prd_if", data },
      sql`1 = 1`,
    );
    const no = eventInsertIf(
      db,
      { type: "product.updated", resourceType: "product", resourceId: "prd_if", data },
      sql`1 = 0`,
    );
    await db.batch([yes.statement, no.statement]);
    expect((await eventRow(yes.id)).data).toEqual(data);
    expect(await db.select().from(events).where(eq(events.id, no.id))).toHaveLength(0);
  });
});

describe("publishing the outbox", () => {
  it("marks an event sent only after the queue accepted it", async () => {
    const id = await writeEvent("product.archived", { id: "prd_o", version: 2 });
    await flushOutbox(db, failingQueue(), { eventIds: [id] });
    expect(await eventRow(id)).toMatchObject({ sentAt: null, sendAttempts: 1 });

    const queue = captureQueue<EventMessage>();
    await flushOutbox(db, queue.queue, { eventIds: [id] });
    expect(queue.sent.map((s) => s.body)).toEqual([{ event_id: id, type: "product.archived" }]);
    expect(await eventRow(id)).toMatchObject({ sentAt: expect.any(String), sendAttempts: 2 });

    await flushOutbox(db, queue.queue, { eventIds: [id] });
    expect(queue.sent).toHaveLength(1);
  });

  it("never sends one row twice when publishers race", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await writeEvent("product.restored", { id: `prd_${i}`, version: i }));
    const queues = [captureQueue<EventMessage>(), captureQueue<EventMessage>(), captureQueue<EventMessage>()];
    await Promise.all(queues.map((q) => flushOutbox(db, q.queue, { eventIds: ids })));
    const sent = queues.flatMap((q) => q.sent.map((s) => s.body.event_id));
    expect(sent.sort()).toEqual([...ids].sort());
  });

  it("publishes after every successful mutating request, through the real queues", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["order.paid"] });
    // A ping is an event written by a request: the middleware publishes it after the response.
    const ping = await call<{ event_id: string }>("POST", `/v1/webhooks/${endpoint.id}/test`, {
      token: hooks.admin.token,
    });
    await vi.waitFor(async () => expect((await deliveriesOfEvent(ping.body.event_id))[0]?.status).toBe("succeeded"), {
      timeout: 15_000,
      interval: 100,
    });
    expect((await eventRow(ping.body.event_id)).sentAt).not.toBeNull();
    const [request] = hooks.receivers.received(url, ping.body.event_id);
    expect(await verifyWebhook(endpoint.secret, request?.headers ?? new Headers(), request?.body ?? "")).toMatchObject({
      type: "webhook.ping",
      data: { endpoint_id: endpoint.id, version: 1 },
    });
  });

  it("delivers, after the every-minute sweep, an event whose send failed at commit time", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["stock.changed"] });
    const id = await writeEvent("stock.changed", { product_id: "prd_sweep", version: 11, on_hand: 4 }, "prd_sweep");
    await flushOutbox(db, failingQueue(), { eventIds: [id] });
    expect((await eventRow(id)).sentAt).toBeNull();

    // Not yet a minute old: the sweep leaves it to the writer.
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);
    expect((await eventRow(id)).sentAt).toBeNull();

    const controller = createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() + 61_000 });
    await worker.scheduled(controller, env);
    expect((await eventRow(id)).sentAt).not.toBeNull();

    await vi.waitFor(async () => expect(hooks.receivers.received(url, id)).toHaveLength(1), {
      timeout: 15_000,
      interval: 100,
    });
    const [request] = hooks.receivers.received(url, id);
    expect(request?.headers.get("webhook-id")).toBe(id);
    await verifyWebhook(endpoint.secret, request?.headers ?? new Headers(), request?.body ?? "");
  });

  it("puts an event whose fan-out kept failing back in the outbox instead of losing it", async () => {
    const id = await writeEvent("order.refunded", { id: "ord_dlq", version: 5 });
    await db.update(events).set({ sentAt: new Date().toISOString() }).where(eq(events.id, id));
    const dead = await runQueue("stockroom-events-dlq", [{ body: { event_id: id } }]);
    expect(dead.result.explicitAcks).toEqual(dead.ids);
    expect((await eventRow(id)).sentAt).toBeNull();
  });

  it("retries a fan-out that failed, and drops malformed messages", async () => {
    const id = await writeEvent("order.refunded", { id: "ord_f", version: 1 });
    const broken = {
      prepare: () => {
        throw new Error("D1 unavailable");
      },
    } as unknown as D1Database;
    const { result, ids, retries } = await runQueue(
      "stockroom-events",
      [{ body: { event_id: id }, attempts: 2 }, { body: { nope: true } }],
      { DB: broken },
    );
    expect(result.retryMessages.map((r) => r.msgId)).toEqual([ids[0]]);
    expect(retries.get(ids[0] ?? "")?.delaySeconds).toBeGreaterThanOrEqual(24);
    expect(result.explicitAcks).toEqual([ids[1]]);
  });
});
