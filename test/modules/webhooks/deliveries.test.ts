import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { events, webhookDeliveries, webhookEndpoints } from "../../../src/db/schema";
import { type DeliveryMessage, sweepUndispatched } from "../../../src/modules/webhooks/deliveries/dispatch";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import {
  captureQueue,
  createEndpoint,
  db,
  deliveryRow,
  fanOutByHand,
  runQueue,
  useWebhookReceivers,
} from "../../support/webhooks";

const hooks = useWebhookReceivers();

interface Page {
  data: { id: string; status: string; event_type: string; run: number }[];
  next_cursor: string | null;
}

async function deliverOnce(type: string, version: number) {
  const { messages, eventId } = await fanOutByHand(type, { id: "prd_list", version });
  const message = messages[0] as DeliveryMessage;
  await runQueue("stockroom-webhooks", [{ body: message }]);
  return { message, eventId };
}

describe("delivery log", () => {
  it("lists an endpoint's deliveries newest first, filtered by status and event type, with a cursor", async () => {
    let fail = true;
    const url = hooks.receivers.add(() => new Response(null, { status: fail ? 410 : 200 }));
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["product.updated", "product.archived"] });
    await db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, endpoint.id));
    const gone = await deliverOnce("product.updated", 1); // 410: failed, endpoint disabled
    await db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, endpoint.id));
    fail = false;
    const ok = await deliverOnce("product.archived", 2);
    const ok2 = await deliverOnce("product.updated", 3);

    // Other test files' events may reach this endpoint too: look at ours only.
    const mine = [ok2, ok, gone].map((d) => d.message.delivery_id);
    const list = async (query: string) => {
      const res = await call<Page>("GET", `/v1/webhooks/${endpoint.id}/deliveries${query}`, {
        token: hooks.admin.token,
      });
      return { ...res, ours: (res.body.data ?? []).filter((d) => mine.includes(d.id)) };
    };
    expect((await list("")).ours.map((d) => d.id)).toEqual(mine);
    const failedOnly = await list("?status=failed");
    expect(failedOnly.ours.map((d) => d.id)).toEqual([gone.message.delivery_id]);
    expect(failedOnly.body.data.every((d) => d.status === "failed")).toBe(true);
    const updated = await list("?event_type=product.updated");
    expect(updated.ours.map((d) => d.id)).toEqual([ok2.message.delivery_id, gone.message.delivery_id]);
    expect(updated.body.data.every((d) => d.event_type === "product.updated")).toBe(true);
    const both = await list("?status=succeeded&event_type=product.archived");
    expect(both.ours.map((d) => d.id)).toEqual([ok.message.delivery_id]);

    // Walking the pages two at a time visits every delivery once, newest first.
    const walked: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      walked.push(...page.body.data.map((d) => d.id));
      cursor = page.body.next_cursor;
    }
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.filter((id) => mine.includes(id))).toEqual(mine);

    expectProblem(await list("?status=lost"), 400, "VALIDATION_FAILED");
    expectProblem(
      await call("GET", "/v1/webhooks/whk_nope/deliveries", { token: hooks.admin.token }),
      404,
      "NOT_FOUND",
    );
    expectProblem(await call("GET", "/v1/webhook-deliveries/dlv_nope", { token: hooks.admin.token }), 404, "NOT_FOUND");
  });

  it("replays every failed delivery since a time, each with its own webhook-id, through the real queue", async () => {
    let healthy = false;
    const url = hooks.receivers.add(() => new Response(null, { status: healthy ? 200 : 500 }));
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["order.cancelled"] });
    const before = new Date(Date.now() - 1000).toISOString();
    const failed: { id: string; eventId: string }[] = [];
    for (const version of [1, 2]) {
      const { messages, eventId } = await fanOutByHand("order.cancelled", { id: "ord_r", version });
      const message = messages[0] as DeliveryMessage;
      await runQueue("stockroom-webhooks-dlq", [{ body: message }]);
      failed.push({ id: message.delivery_id, eventId });
    }
    const succeeded = await fanOutByHand("order.cancelled", { id: "ord_r", version: 3 });
    healthy = true;
    await runQueue("stockroom-webhooks", [{ body: succeeded.messages[0] as DeliveryMessage }]);
    expect(hooks.receivers.received(url, succeeded.eventId)).toHaveLength(1);

    const future = await call(
      "POST",
      `/v1/webhooks/${endpoint.id}/replay?since=${new Date(Date.now() + 60_000).toISOString()}`,
      {
        token: hooks.admin.token,
      },
    );
    expect(future.body).toEqual({ replayed: 0 });

    const res = await call("POST", `/v1/webhooks/${endpoint.id}/replay?since=${encodeURIComponent(before)}`, {
      token: hooks.admin.token,
    });
    expect(res.status).toBe(202);
    // Ours; another file's order.cancelled could only add pending deliveries, never failed ones, in this time.
    expect(res.body).toEqual({ replayed: 2 });
    await vi.waitFor(
      async () => {
        for (const f of failed) expect((await deliveryRow(f.id)).status).toBe("succeeded");
      },
      { timeout: 15_000, interval: 100 },
    );
    const replayed = hooks.receivers.received(url, ...failed.map((f) => f.eventId));
    expect(replayed.map((r) => r.headers.get("webhook-id")).sort()).toEqual(failed.map((f) => f.eventId).sort());
    expect((await deliveryRow(failed[0]?.id ?? "")).run).toBe(2);
    expect((await deliveryRow(succeeded.messages[0]?.delivery_id ?? "")).run).toBe(1);

    expectProblem(
      await call("POST", `/v1/webhooks/${endpoint.id}/replay`, { token: hooks.admin.token }),
      400,
      "VALIDATION_FAILED",
    );
    expectProblem(
      await call("POST", `/v1/webhooks/${endpoint.id}/replay?since=yesterday`, { token: hooks.admin.token }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("refuses to replay to a disabled endpoint or an event past retention", async () => {
    const url = hooks.receivers.add(() => new Response(null, { status: 500 }));
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["invoice.issued"] });
    const { messages, eventId } = await fanOutByHand("invoice.issued", { id: "inv_1", version: 1 });
    const message = messages[0] as DeliveryMessage;
    await runQueue("stockroom-webhooks-dlq", [{ body: message }]);

    await call("PATCH", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token, body: { enabled: false } });
    const replay = () =>
      call("POST", `/v1/webhook-deliveries/${message.delivery_id}/replay`, { token: hooks.admin.token });
    expectProblem(await replay(), 409, "CONFLICT");
    expectProblem(
      await call("POST", `/v1/webhooks/${endpoint.id}/replay?since=2020-01-01T00:00:00Z`, { token: hooks.admin.token }),
      409,
      "CONFLICT",
    );

    await call("PATCH", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token, body: { enabled: true } });
    await db.delete(events).where(eq(events.id, eventId));
    expectProblem(await replay(), 409, "CONFLICT");
    expectProblem(
      await call("POST", "/v1/webhook-deliveries/dlv_nope/replay", { token: hooks.admin.token }),
      404,
      "NOT_FOUND",
    );
  });

  it("re-sends deliveries that were written but never handed to the queue (crash before enqueue)", async () => {
    await createEndpoint(hooks.admin, { url: hooks.receivers.add(), event_types: ["order.completed"] });
    const { messages } = await fanOutByHand("order.completed", { id: "ord_c", version: 1 });
    const message = messages[0] as DeliveryMessage;
    const old = new Date(Date.now() - 120_000).toISOString();
    await db
      .update(webhookDeliveries)
      .set({ enqueuedAt: null, updatedAt: old })
      .where(eq(webhookDeliveries.id, message.delivery_id));

    const webhooks = captureQueue<DeliveryMessage>();
    await sweepUndispatched(db, webhooks.queue);
    expect(webhooks.sent.map((s) => s.body)).toContainEqual({ delivery_id: message.delivery_id, run: 1 });
    expect((await deliveryRow(message.delivery_id)).enqueuedAt).not.toBeNull();

    // A fresh one (written seconds ago) is left to the writer that is still sending it.
    const fresh = await fanOutByHand("order.completed", { id: "ord_c", version: 2 });
    const freshId = fresh.messages[0]?.delivery_id ?? "";
    await db.update(webhookDeliveries).set({ enqueuedAt: null }).where(eq(webhookDeliveries.id, freshId));
    const again = captureQueue<DeliveryMessage>();
    await sweepUndispatched(db, again.queue);
    expect(again.sent.map((s) => s.body.delivery_id)).not.toContain(freshId);
  });
});

describe("per-endpoint rate limit", () => {
  it("sends up to the limit per second and defers the rest to later seconds, without spending attempts", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["stock.low"], rate_limit_per_second: 2 });
    const messages: DeliveryMessage[] = [];
    const eventIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const fanned = await fanOutByHand("stock.low", { product_id: "prd_rl", version: i, available: 1 });
      messages.push(fanned.messages[0] as DeliveryMessage);
      eventIds.push(fanned.eventId);
    }
    const webhooks = captureQueue<DeliveryMessage>();
    const { result, ids } = await runQueue(
      "stockroom-webhooks",
      messages.map((body) => ({ body })),
      { WEBHOOKS: webhooks.queue },
    );
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    const sentNow = hooks.receivers.received(url, ...eventIds).length;
    const deferred = webhooks.sent.map((s) => s.delaySeconds ?? 0);
    expect(sentNow + deferred.length).toBe(5);
    expect(sentNow).toBeGreaterThanOrEqual(1);
    expect(sentNow).toBeLessThanOrEqual(2);
    expect(webhooks.sent.every((s) => s.body.paced === true)).toBe(true);
    // Each second (0 = now) gets at most two deliveries.
    const perSecond = new Map<number, number>();
    for (const second of [...Array<number>(sentNow).fill(0), ...deferred]) {
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2);
    expect(Math.min(...deferred)).toBeGreaterThanOrEqual(1);

    // A deferred message comes back paced: it is sent at once, as its first attempt.
    const back = webhooks.sent[0]?.body as DeliveryMessage;
    await runQueue("stockroom-webhooks", [{ body: back }], { WEBHOOKS: captureQueue<DeliveryMessage>().queue });
    expect(hooks.receivers.received(url, ...eventIds)).toHaveLength(sentNow + 1);
    expect((await deliveryRow(back.delivery_id)).attemptCount).toBe(1);

    // Without a limit nothing is deferred.
    await call("PATCH", `/v1/webhooks/${endpoint.id}`, {
      token: hooks.admin.token,
      body: { rate_limit_per_second: null },
    });
    const more = await fanOutByHand("stock.low", { product_id: "prd_rl", version: 9, available: 0 });
    const none = captureQueue<DeliveryMessage>();
    await runQueue("stockroom-webhooks", [{ body: more.messages[0] as DeliveryMessage }], { WEBHOOKS: none.queue });
    expect(hooks.receivers.received(url, more.eventId)).toHaveLength(1);
    expect(none.sent).toHaveLength(0);
  });
});
