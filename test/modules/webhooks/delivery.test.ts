import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { verifyWebhook } from "../../../packages/client/src/verify";
import { events } from "../../../src/db/schema";
import { flushOutbox } from "../../../src/modules/events/publisher";
import { call } from "../../support/http";
import {
  createEndpoint,
  db,
  deliveriesOfEvent,
  runQueue,
  specSignature,
  useWebhookReceivers,
  writeEvent,
} from "../../support/webhooks";

const hooks = useWebhookReceivers();

const WAIT = { timeout: 20_000, interval: 100 };

describe("end to end through the real queues", () => {
  it("delivers one product.published, signed per Standard Webhooks, exactly once", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["product.*"] });
    const productId = `prd_${crypto.randomUUID().slice(0, 8)}`;

    // What the catalog does on publish: the event row in its batch, then the flush.
    const eventId = await writeEvent(
      "product.published",
      { id: productId, version: 3, sku: "SKU-1", status: "published" },
      productId,
    );
    await flushOutbox(db, env.EVENTS);

    await vi.waitFor(async () => {
      const [delivery] = await deliveriesOfEvent(eventId);
      expect(delivery?.status).toBe("succeeded");
    }, WAIT);

    // A duplicate EVENTS message (at-least-once) must not produce a second delivery.
    const duplicate = await runQueue("stockroom-events", [{ body: { event_id: eventId } }]);
    expect(duplicate.result.explicitAcks).toEqual(duplicate.ids);
    expect(await deliveriesOfEvent(eventId)).toHaveLength(1);

    const requests = hooks.receivers.received(url, eventId);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    if (!request) throw new Error("no request");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.headers.get("user-agent")).toBe("Stockroom-Webhooks/1");
    expect(request.headers.get("webhook-id")).toBe(eventId);
    const timestamp = request.headers.get("webhook-timestamp") ?? "";
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);

    // The spec's algorithm, computed here independently, gives the header exactly.
    expect(request.headers.get("webhook-signature")).toBe(
      await specSignature(endpoint.secret, eventId, timestamp, request.body),
    );
    const payload = await verifyWebhook(endpoint.secret, request.headers, request.body);
    expect(payload).toEqual({
      id: eventId,
      type: "product.published",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { id: productId, version: 3, sku: "SKU-1", status: "published" },
    });
    expect(Object.keys(JSON.parse(request.body))).toEqual(["id", "type", "created_at", "data"]);
  });

  it("publishing a product through the API delivers one signed product.published carrying its version", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["product.published"] });
    const sku = `WH-${crypto.randomUUID().slice(0, 8)}`;
    const created = await call<{ id: string }>("POST", "/v1/products", {
      token: hooks.admin.token,
      body: { sku, name: `Webhook lamp ${sku}`, price: 1999 },
    });
    expect(created.status).toBe(201);
    const published = await call<{ version: number }>("POST", `/v1/products/${created.body.id}/publish`, {
      token: hooks.admin.token,
    });
    expect(published.status).toBe(200);

    const [event] = await db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.resourceId, created.body.id), eq(events.type, "product.published")));
    const eventId = event?.id ?? "";
    await vi.waitFor(() => expect(hooks.receivers.received(url, eventId)).toHaveLength(1), WAIT);
    const [request] = hooks.receivers.received(url, eventId);
    if (!request) throw new Error("no request");
    const id = request.headers.get("webhook-id") ?? "";
    const timestamp = request.headers.get("webhook-timestamp") ?? "";
    expect(request.headers.get("webhook-signature")).toBe(
      await specSignature(endpoint.secret, id, timestamp, request.body),
    );
    const payload = await verifyWebhook<{ id: string; sku: string; version: number }>(
      endpoint.secret,
      request.headers,
      request.body,
    );
    expect(payload).toMatchObject({
      id,
      type: "product.published",
      data: { id: created.body.id, sku, version: published.body.version },
    });
    await vi.waitFor(async () => expect((await deliveriesOfEvent(id))[0]?.status).toBe("succeeded"), WAIT);
    expect(hooks.receivers.received(url, eventId)).toHaveLength(1);
  });

  it("fans out only to enabled endpoints subscribed to the type", async () => {
    const exact = hooks.receivers.add();
    const wildcard = hooks.receivers.add();
    const other = hooks.receivers.add();
    const disabled = hooks.receivers.add();
    await createEndpoint(hooks.admin, { url: exact, event_types: ["order.paid"] });
    await createEndpoint(hooks.admin, { url: wildcard, event_types: ["order.*", "product.updated"] });
    await createEndpoint(hooks.admin, { url: other, event_types: ["order.created"] });
    await createEndpoint(hooks.admin, { url: disabled, event_types: ["order.paid"], enabled: false });

    const eventId = await writeEvent("order.paid", { id: "ord_1", version: 2, status: "paid" }, "ord_1");
    await flushOutbox(db, env.EVENTS, { eventIds: [eventId] });

    await vi.waitFor(async () => {
      const deliveries = await deliveriesOfEvent(eventId);
      expect(deliveries.map((d) => d.status)).toEqual(["succeeded", "succeeded"]);
    }, WAIT);
    expect(hooks.receivers.received(exact, eventId)).toHaveLength(1);
    expect(hooks.receivers.received(wildcard, eventId)).toHaveLength(1);
    expect(hooks.receivers.received(other, eventId)).toHaveLength(0);
    expect(hooks.receivers.received(disabled, eventId)).toHaveLength(0);
  });

  it("makes exactly 8 attempts, then the dead-letter queue marks the delivery failed", async () => {
    // 503 with Retry-After: 0 keeps the real queue's retries immediate.
    const url = hooks.receivers.add(() => new Response("busy", { status: 503, headers: { "retry-after": "0" } }));
    await createEndpoint(hooks.admin, { url, event_types: ["stock.changed"] });
    const eventId = await writeEvent("stock.changed", { product_id: "prd_dlq", version: 7, on_hand: 3 }, "prd_dlq");
    await flushOutbox(db, env.EVENTS, { eventIds: [eventId] });

    await vi.waitFor(
      async () => {
        const [delivery] = await deliveriesOfEvent(eventId);
        expect(delivery?.status).toBe("failed");
      },
      { timeout: 28_000, interval: 200 },
    );
    const [delivery] = await deliveriesOfEvent(eventId);
    expect(delivery?.attemptCount).toBe(8);
    expect(hooks.receivers.received(url, eventId)).toHaveLength(8);

    const detail = await call<{ attempts: { number: number; status_code: number; response_excerpt: string }[] }>(
      "GET",
      `/v1/webhook-deliveries/${delivery?.id}`,
      { token: hooks.admin.token },
    );
    expect(detail.body.attempts.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(detail.body.attempts.every((a) => a.status_code === 503 && a.response_excerpt === "busy")).toBe(true);
  }, 30_000);
});
