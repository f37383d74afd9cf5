import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "../../../packages/client/src/verify";
import { auditLogs, events, webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../../src/db/schema";
import { decryptSecret } from "../../../src/lib/encryption";
import type { DeliveryMessage } from "../../../src/modules/webhooks/deliveries/dispatch";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";
import { createEndpoint, db, fanOutByHand, runQueue, specSignature, useWebhookReceivers } from "../../support/webhooks";

const hooks = useWebhookReceivers();

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe("endpoints", () => {
  it("creates an endpoint and shows its secret only in that response", async () => {
    const url = hooks.receivers.add();
    const res = await call<Record<string, unknown>>("POST", "/v1/webhooks", {
      token: hooks.admin.token,
      body: {
        url,
        event_types: ["product.*", "order.paid", "order.paid"],
        description: "storefront",
        rate_limit_per_second: 5,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url,
      description: "storefront",
      event_types: ["product.*", "order.paid"],
      enabled: true,
      disabled_reason: null,
      rate_limit_per_second: 5,
      consecutive_failures: 0,
      previous_secret_expires_at: null,
      version: 1,
    });
    expect(res.body.secret).toMatch(SECRET);
    expect(Uint8Array.from(atob(String(res.body.secret).slice(6)), (c) => c.charCodeAt(0))).toHaveLength(32);
    expect(res.headers.get("location")).toBe(`/v1/webhooks/${res.body.id}`);
    expect(res.headers.get("etag")).toBe('W/"1"');
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, String(res.body.id)));

    const read = await call("GET", `/v1/webhooks/${res.body.id}`, { token: hooks.admin.token });
    expect(read.status).toBe(404);
  });

  it("never stores the plaintext secret: the D1 row holds only an AES-GCM ciphertext bound to the endpoint", async () => {
    const endpoint = await createEndpoint(hooks.admin, { url: hooks.receivers.add(), event_types: ["*"] });
    const raw = await env.DB.prepare("SELECT * FROM webhook_endpoints WHERE id = ?")
      .bind(endpoint.id)
      .first<Record<string, unknown>>();
    const stored = JSON.stringify(raw);
    const keyPart = endpoint.secret.slice("whsec_".length);
    expect(stored).not.toContain(endpoint.secret);
    expect(stored).not.toContain(keyPart);
    expect(stored).not.toContain(keyPart.slice(0, 16));
    const hexKey = [...Uint8Array.from(atob(keyPart), (c) => c.charCodeAt(0))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(stored.toLowerCase()).not.toContain(hexKey);

    const ciphertext = String(raw?.secret_ciphertext);
    expect(ciphertext).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    const context = `webhook_endpoint:${endpoint.id}`;
    expect(await decryptSecret(env.ENCRYPTION_KEY, ciphertext, context)).toBe(endpoint.secret);
    // Bound to its row: the same ciphertext does not open under another endpoint's id.
    await expect(decryptSecret(env.ENCRYPTION_KEY, ciphertext, "webhook_endpoint:whk_other")).rejects.toThrow();

    // No API answer carries it either, and the audit row has none.
    for (const path of [`/v1/webhooks/${endpoint.id}`, "/v1/webhooks?limit=200"]) {
      const res = await call("GET", path, { token: hooks.admin.token });
      expect(res.text).not.toContain(keyPart);
    }
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.entityId, endpoint.id));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(keyPart);
  });

  it("rotates the secret: both secrets sign during the 24 h overlap, then only the new one", async () => {
    const url = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["product.updated"] });
    const rotated = await call<{ secret: string; version: number; previous_secret_expires_at: string }>(
      "POST",
      `/v1/webhooks/${endpoint.id}/rotate-secret`,
      { token: hooks.admin.token, headers: { "if-match": 'W/"1"' } },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.version).toBe(2);
    const overlapEnd = Date.parse(rotated.body.previous_secret_expires_at);
    expect(Math.abs(overlapEnd - Date.now() - 24 * 3600 * 1000)).toBeLessThan(60_000);

    const deliver = async () => {
      const { messages, eventId } = await fanOutByHand("product.updated", { id: "prd_rot", version: 1 });
      await runQueue("stockroom-webhooks", [{ body: messages[0] as DeliveryMessage }]);
      const request = hooks.receivers.received(url, eventId).at(-1);
      if (!request) throw new Error("nothing received");
      return request;
    };

    const during = await deliver();
    const id = during.headers.get("webhook-id") ?? "";
    const timestamp = during.headers.get("webhook-timestamp") ?? "";
    expect(during.headers.get("webhook-signature")).toBe(
      [
        await specSignature(rotated.body.secret, id, timestamp, during.body),
        await specSignature(endpoint.secret, id, timestamp, during.body),
      ].join(" "),
    );
    await verifyWebhook(endpoint.secret, during.headers, during.body);
    await verifyWebhook(rotated.body.secret, during.headers, during.body);

    // Once the overlap is over, the old secret no longer signs.
    await db
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: new Date(Date.now() - 1000).toISOString() })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const after = await deliver();
    expect(after.headers.get("webhook-signature")?.split(" ")).toHaveLength(1);
    await verifyWebhook(rotated.body.secret, after.headers, after.body);
    await expect(verifyWebhook(endpoint.secret, after.headers, after.body)).rejects.toThrow("No matching signature");
    const read = await call("GET", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token });
    expect(read.body.previous_secret_expires_at).toBeNull();
  });

  it("updates with If-Match, refuses a stale version, and emits webhook.endpoint_disabled when disabled by hand", async () => {
    const endpoint = await createEndpoint(hooks.admin, { url: hooks.receivers.add(), event_types: ["order.paid"] });
    const stale = await call("PATCH", `/v1/webhooks/${endpoint.id}`, {
      token: hooks.admin.token,
      headers: { "if-match": 'W/"9"' },
      body: { description: "x" },
    });
    expectProblem(stale, 412, "PRECONDITION_FAILED");

    const newUrl = hooks.receivers.add();
    const disabled = await call("PATCH", `/v1/webhooks/${endpoint.id}`, {
      token: hooks.admin.token,
      headers: { "if-match": 'W/"1"' },
      body: { url: newUrl, event_types: ["order.*"], enabled: false, rate_limit_per_second: null },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      url: newUrl,
      event_types: ["order.*"],
      enabled: false,
      disabled_reason: "manual",
      version: 2,
    });
    expect(disabled.headers.get("etag")).toBe('W/"2"');
    const announced = await db.select().from(events).where(eq(events.resourceId, endpoint.id));
    expect(announced.map((e) => [e.type, e.data.reason, e.data.version])).toEqual([
      ["webhook.endpoint_disabled", "manual", 2],
    ]);

    await db.update(webhookEndpoints).set({ consecutiveFailures: 12 }).where(eq(webhookEndpoints.id, endpoint.id));
    const enabled = await call("PATCH", `/v1/webhooks/${endpoint.id}`, {
      token: hooks.admin.token,
      body: { enabled: true },
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, consecutive_failures: 0, version: 3 });
    expect(await db.select().from(events).where(eq(events.resourceId, endpoint.id))).toHaveLength(1);
  });

  it("refuses unknown event types and unknown fields", async () => {
    const res = await call("POST", "/v1/webhooks", {
      token: hooks.admin.token,
      body: {
        url: hooks.receivers.add(),
        event_types: ["product.published", "product.exploded", "nope.*"],
      },
    });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problemPaths(res)).toEqual(["event_types.1", "event_types.2"]);
    // Every type /v1/event-types lists can be named exactly, the endpoint-only ping included.
    const ping = await call("POST", "/v1/webhooks", {
      token: hooks.admin.token,
      body: { url: hooks.receivers.add(), event_types: ["webhook.ping"] },
    });
    expect(ping.status, ping.text).toBe(201);

    const extra = await call("POST", "/v1/webhooks", {
      token: hooks.admin.token,
      body: { url: hooks.receivers.add(), event_types: ["*"], secret: "whsec_mine" },
    });
    expectProblem(extra, 400, "VALIDATION_FAILED");
    const empty = await call("POST", "/v1/webhooks", {
      token: hooks.admin.token,
      body: { url: hooks.receivers.add(), event_types: [] },
    });
    expectProblem(empty, 400, "VALIDATION_FAILED");
  });

  it("lists endpoints newest first with a cursor and an enabled filter", async () => {
    const first = await createEndpoint(hooks.admin, { url: hooks.receivers.add(), event_types: ["*"] });
    const second = await createEndpoint(hooks.admin, {
      url: hooks.receivers.add(),
      event_types: ["*"],
      enabled: false,
    });
    const page1 = await call<{ data: { id: string }[]; next_cursor: string }>("GET", "/v1/webhooks?limit=1", {
      token: hooks.admin.token,
    });
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await call(
        "GET",
        `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        { token: hooks.admin.token },
      );
      ids.push(...page.body.data.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);

    const disabledOnly = await call<{ data: { id: string; enabled: boolean }[] }>(
      "GET",
      "/v1/webhooks?enabled=false&limit=200",
      { token: hooks.admin.token },
    );
    expect(disabledOnly.body.data.every((e) => !e.enabled)).toBe(true);
    expect(disabledOnly.body.data.map((e) => e.id)).toContain(second.id);
  });

  it("deletes an endpoint with its deliveries and attempts; its queued messages are dropped", async () => {
    const url = hooks.receivers.add(() => new Response(null, { status: 500 }));
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["product.updated"] });
    const { messages, eventId } = await fanOutByHand("product.updated", { id: "prd_del", version: 1 });
    const message = messages[0] as DeliveryMessage;
    await runQueue("stockroom-webhooks", [{ body: message }]);
    expect(
      await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, message.delivery_id)),
    ).toHaveLength(1);

    const res = await call("DELETE", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token });
    expect(res.status).toBe(204);
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, message.delivery_id))).toHaveLength(
      0,
    );
    expect(
      await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, message.delivery_id)),
    ).toHaveLength(0);
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.entityId, endpoint.id));
    expect(audit.map((a) => a.action)).toContain("webhook.deleted");

    const late = await runQueue("stockroom-webhooks", [{ body: message, attempts: 2 }]);
    expect(late.result.explicitAcks).toEqual(late.ids);
    expect(hooks.receivers.received(url, eventId)).toHaveLength(1);
    expectProblem(await call("DELETE", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token }), 404, "NOT_FOUND");
  });

  it("sends webhook.ping to that endpoint only, and refuses it while the endpoint is disabled", async () => {
    const url = hooks.receivers.add();
    const other = hooks.receivers.add();
    const endpoint = await createEndpoint(hooks.admin, { url, event_types: ["order.paid"] });
    await createEndpoint(hooks.admin, { url: other, event_types: ["*"] });

    const res = await call<{ event_id: string; delivery_id: string }>("POST", `/v1/webhooks/${endpoint.id}/test`, {
      token: hooks.admin.token,
    });
    expect(res.status).toBe(202);
    const [event] = await db.select().from(events).where(eq(events.id, res.body.event_id));
    expect(event).toMatchObject({ type: "webhook.ping", resourceId: endpoint.id });
    expect(event?.data).toEqual({ endpoint_id: endpoint.id, version: 1 });

    // The fan-out finds the delivery already there and adds none for the `*` endpoint.
    await runQueue("stockroom-events", [{ body: { event_id: res.body.event_id } }], {
      WEBHOOKS: { send: async () => {}, sendBatch: async () => {} } as unknown as Queue,
    });
    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, res.body.event_id));
    expect(deliveries.map((d) => [d.id, d.endpointId])).toEqual([[res.body.delivery_id, endpoint.id]]);

    await call("PATCH", `/v1/webhooks/${endpoint.id}`, { token: hooks.admin.token, body: { enabled: false } });
    expectProblem(
      await call("POST", `/v1/webhooks/${endpoint.id}/test`, { token: hooks.admin.token }),
      409,
      "CONFLICT",
    );
  });
});
