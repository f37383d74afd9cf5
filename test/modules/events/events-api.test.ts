import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events } from "../../../src/db/schema";
import { EVENT_TYPES } from "../../../src/modules/events/event-types";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { db, writeEvent } from "../../support/webhooks";

let operator: SignedIn;
beforeAll(async () => {
  operator = await signInAs("operator");
});

interface EventPage {
  data: { id: string; type: string; resource_id: string; created_at: string; data: Record<string, unknown> }[];
  next_cursor: string | null;
}

const list = (query: string) => call<EventPage>("GET", `/v1/events${query}`, { token: operator.token });

describe("event log", () => {
  it("lists events newest first, filtered by type, resource and time, with a cursor", async () => {
    const resource = `prd_${crypto.randomUUID().slice(0, 8)}`;
    const a = await writeEvent("product.published", { id: resource, version: 1 }, resource);
    const b = await writeEvent("product.updated", { id: resource, version: 2 }, resource);
    const c = await writeEvent("product.updated", { id: resource, version: 3 }, resource);
    const old = "2020-01-01T00:00:00.000Z";
    await db.update(events).set({ createdAt: old }).where(eq(events.id, a));

    const all = await list(`?resource_id=${resource}`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((e) => e.id)).toEqual([c, b, a]);
    expect(all.body.data[0]).toMatchObject({
      type: "product.updated",
      resource_type: "product",
      resource_id: resource,
      data: { id: resource, version: 3 },
      sent_at: null,
    });
    expect((await list(`?resource_id=${resource}&type=product.published`)).body.data.map((e) => e.id)).toEqual([a]);
    expect(
      (await list(`?resource_id=${resource}&created_from=2021-01-01T00:00:00Z`)).body.data.map((e) => e.id),
    ).toEqual([c, b]);
    expect(
      (await list(`?resource_id=${resource}&created_to=2021-01-01T00:00:00%2B02:00`)).body.data.map((e) => e.id),
    ).toEqual([a]);

    const page1 = await list(`?resource_id=${resource}&limit=2`);
    expect(page1.body.data.map((e) => e.id)).toEqual([c, b]);
    const page2 = await list(`?resource_id=${resource}&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body).toEqual({ data: [expect.objectContaining({ id: a })], next_cursor: null });

    expectProblem(await list("?created_from=yesterday"), 400, "VALIDATION_FAILED");
    expectProblem(await list("?cursor=garbage"), 400, "VALIDATION_FAILED");
  });

  it("orders by when events were written, whatever their ids (a keyed step's id is derived from its key)", async () => {
    const resource = `prd_${crypto.randomUUID().slice(0, 8)}`;
    const written = await writeEvent("product.published", { id: resource, version: 2 }, resource);
    // An id derived from a key is hex: this one sorts above every time-based id.
    const derived = `evt_ff${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    await db.update(events).set({ id: derived }).where(eq(events.id, written));
    const later = await writeEvent("product.updated", { id: resource, version: 3 }, resource);
    expect((await list(`?resource_id=${resource}`)).body.data.map((e) => e.id)).toEqual([later, derived]);
    const page1 = await list(`?resource_id=${resource}&limit=1`);
    const page2 = await list(`?resource_id=${resource}&limit=1&cursor=${page1.body.next_cursor}`);
    expect([...page1.body.data, ...page2.body.data].map((e) => e.id)).toEqual([later, derived]);
  });

  it("reads one event, and 404s an unknown one", async () => {
    const id = await writeEvent("invoice.issued", { id: "inv_9", version: 1, order_id: null, total: 1200 }, "inv_9");
    const res = await call("GET", `/v1/events/${id}`, { token: operator.token });
    expect(res.body).toMatchObject({ id, type: "invoice.issued", data: { id: "inv_9", total: 1200 } });
    expectProblem(await call("GET", "/v1/events/evt_nope", { token: operator.token }), 404, "NOT_FOUND");
  });
});

describe("event catalog", () => {
  it("publishes every event type with its description and the JSON Schema of its data", async () => {
    const res = await call<{
      data: { type: string; description: string; audience: string; data_schema: Record<string, unknown> }[];
    }>("GET", "/v1/event-types", { token: operator.token });
    expect(res.status).toBe(200);
    expect(res.body.data.map((t) => t.type)).toEqual(EVENT_TYPES);
    // At least the types the design promises.
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        "product.published",
        "product.updated",
        "product.unpublished",
        "product.archived",
        "product.restored",
        "stock.changed",
        "stock.low",
        "order.created",
        "order.paid",
        "order.completed",
        "order.cancelled",
        "order.refunded",
        "invoice.issued",
        "webhook.ping",
        "webhook.endpoint_disabled",
      ]),
    );
    const published = res.body.data[0];
    expect(published?.data_schema).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["id", "version"]),
      properties: { id: { type: "string" }, version: { type: "integer" } },
    });
    expect(res.body.data.find((t) => t.type === "webhook.ping")?.audience).toBe("endpoint");
    expect(res.body.data.every((t) => t.description.length > 10)).toBe(true);
  });

  it("documents every event type in the OpenAPI 3.1 webhooks section", async () => {
    const doc = await call<{ openapi: string; webhooks: Record<string, { post: Record<string, unknown> }> }>(
      "GET",
      "/openapi.json",
    );
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const post = doc.body.webhooks["order.paid"]?.post as {
      parameters: { name: string; in: string }[];
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, unknown>;
    };
    expect(post.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "header:webhook-id",
      "header:webhook-timestamp",
      "header:webhook-signature",
    ]);
    expect(post.requestBody.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/OrderPaidEvent",
    });
    expect(Object.keys(post.responses)).toEqual(["200", "410"]);
  });
});
