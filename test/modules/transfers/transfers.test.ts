import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { auditLogs, DEFAULT_LOCATION_ID, events, transfers } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { expectProblem } from "../../support/problem";
import { insertProduct } from "../../support/products";

let operator: SignedIn;
beforeAll(async () => {
  operator = await signInAs("operator");
});

const send = (method: string, path: string, body?: unknown, key = crypto.randomUUID()) =>
  call<Record<string, unknown> & { id: string; status: string; lines: Record<string, number>[] }>(method, path, {
    token: operator.token,
    headers: { "idempotency-key": key },
    ...(body === undefined ? {} : { body }),
  });

async function stock(productId: string, locationId: string, delta: number) {
  const res = await send("POST", `/v1/inventory/${productId}/adjustments`, {
    delta,
    reason: "received",
    location_id: locationId,
  });
  expect(res.status).toBe(201);
}

interface Level {
  on_hand: number;
  incoming: number;
  locations: { location_id: string; on_hand: number; incoming: number }[];
}
const level = async (productId: string) =>
  (await call<Level>("GET", `/v1/inventory/${productId}`, { token: operator.token })).body;
const owned = (l: Level) => l.on_hand + l.incoming;
const at = (l: Level, id: string) => l.locations.find((x) => x.location_id === id);

describe("transfers", () => {
  it("drafts, ships (a short line refused alone), receives partially, then the rest with a loss", async () => {
    const dest = await createLocation();
    const [p1, p2] = await Promise.all([insertProduct(), insertProduct()]);
    await stock(p1.id, DEFAULT_LOCATION_ID, 10);
    await stock(p2.id, DEFAULT_LOCATION_ID, 1);
    const draft = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: dest.id,
      lines: [
        { product_id: p1.id, qty: 6 },
        { product_id: p2.id, qty: 5 },
      ],
      note: "restock the shed",
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: "draft" });
    const id = draft.body.id;
    expect(at(await level(p1.id), dest.id)).toBeUndefined();

    const shipKey = crypto.randomUUID();
    const shipped = await send("POST", `/v1/transfers/${id}/ship`, undefined, shipKey);
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      transfer: { status: "shipped", lines: [{ shipped: 6, in_transit: 6 }, { shipped: 0 }] },
      results: [
        { product_id: p1.id, ok: true },
        { product_id: p2.id, ok: false, error: { code: "INSUFFICIENT_STOCK" } },
      ],
    });
    expect(at(await level(p1.id), dest.id)).toMatchObject({ on_hand: 0, incoming: 6 });
    expect(owned(await level(p1.id))).toBe(10);
    // The same key replays; a new one finds it shipped already.
    expect((await send("POST", `/v1/transfers/${id}/ship`, undefined, shipKey)).status).toBe(200);
    expectProblem(await send("POST", `/v1/transfers/${id}/ship`), 409, "INVALID_TRANSITION");
    expectProblem(await send("POST", `/v1/transfers/${id}/cancel`), 409, "INVALID_TRANSITION");

    // The object is evicted while the units are in transit: nothing is lost.
    await evictDurableObject(env.INVENTORY.get(env.INVENTORY.idFromName(p1.id)));
    const part = await send("POST", `/v1/transfers/${id}/receive`, { lines: [{ product_id: p1.id, received: 4 }] });
    expect(part.body).toMatchObject({
      transfer: { status: "partially_received", lines: [{ received: 4, in_transit: 2 }, { shipped: 0 }] },
    });
    const tooMany = await send("POST", `/v1/transfers/${id}/receive`, { lines: [{ product_id: p1.id, received: 3 }] });
    // No line could be taken: a 409 like a ship that moves nothing, with each line's reason.
    expectProblem(tooMany, 409, "CONFLICT");
    expect(tooMany.body).toMatchObject({ results: [{ ok: false, error: { code: "CONFLICT" } }] });
    const rest = await send("POST", `/v1/transfers/${id}/receive`, {
      lines: [{ product_id: p1.id, received: 1, lost: 1 }],
    });
    expect(rest.body).toMatchObject({
      transfer: { status: "received", lines: [{ received: 5, lost: 1, in_transit: 0 }, { shipped: 0 }] },
    });
    const after = await level(p1.id);
    expect(owned(after)).toBe(9);
    expect([at(after, DEFAULT_LOCATION_ID)?.on_hand, at(after, dest.id)?.on_hand]).toEqual([4, 5]);

    const db = createDb(env.DB);
    const types = (await db.select().from(events).where(eq(events.resourceId, id))).map((e) => e.type).sort();
    expect(types).toEqual(["transfer.received", "transfer.received", "transfer.shipped"]);
    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, "transfer"), eq(auditLogs.entityId, id)));
    expect(audits.map((a) => a.action).sort()).toEqual([
      "transfer.created",
      "transfer.received",
      "transfer.received",
      "transfer.shipped",
    ]);
    const listed = await call<{ data: { id: string }[] }>(
      "GET",
      `/v1/transfers?status=received&to_location_id=${dest.id}&product_id=${p1.id}`,
      { token: operator.token },
    );
    expect(listed.body.data.map((t) => t.id)).toEqual([id]);
  });

  it("cancels a draft, and refuses bad drafts", async () => {
    const product = await insertProduct();
    const draft = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: (await createLocation()).id,
      lines: [{ product_id: product.id, qty: 1 }],
    });
    const cancelled = await send("POST", `/v1/transfers/${draft.body.id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: "cancelled" });
    expectProblem(await send("POST", `/v1/transfers/${draft.body.id}/ship`), 409, "INVALID_TRANSITION");
    const same = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: DEFAULT_LOCATION_ID,
      lines: [{ product_id: product.id, qty: 1 }],
    });
    expectProblem(same, 400, "VALIDATION_FAILED");
    const nowhere = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: "loc_nowhere",
      lines: [{ product_id: product.id, qty: 1 }],
    });
    expectProblem(nowhere, 404, "NOT_FOUND");
  });

  it("refuses to ship when no line can be covered, and nothing moves", async () => {
    const product = await insertProduct();
    const draft = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: (await createLocation()).id,
      lines: [{ product_id: product.id, qty: 3 }],
    });
    expectProblem(await send("POST", `/v1/transfers/${draft.body.id}/ship`), 409, "INSUFFICIENT_STOCK");
    expect((await call("GET", `/v1/transfers/${draft.body.id}`, { token: operator.token })).body).toMatchObject({
      status: "draft",
    });
    // Nothing moved, so the draft can still be cancelled.
    expect((await send("POST", `/v1/transfers/${draft.body.id}/cancel`)).body).toMatchObject({ status: "cancelled" });
  });

  it("lets exactly one of racing ships and cancels win, and a cancelled transfer moved nothing", async () => {
    const product = await insertProduct();
    const lab = await createLocation();
    await stock(product.id, DEFAULT_LOCATION_ID, 20);
    let cancelled = 0;
    for (let round = 0; round < 5; round++) {
      const draft = await send("POST", "/v1/transfers", {
        from_location_id: DEFAULT_LOCATION_ID,
        to_location_id: lab.id,
        lines: [{ product_id: product.id, qty: 1 }],
      });
      const path = `/v1/transfers/${draft.body.id}`;
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => send("POST", `${path}/${i % 2 === 0 ? "ship" : "cancel"}`)),
      );
      const after = (await call<{ status: string }>("GET", path, { token: operator.token })).body;
      expect(["shipped", "cancelled"]).toContain(after.status);
      if (after.status === "cancelled") cancelled++;
    }
    const moved = await level(product.id);
    // Every shipped transfer moved one unit into transit; cancelled ones moved none.
    expect(at(moved, lab.id)?.incoming ?? 0).toBe(5 - cancelled);
    expect(at(moved, DEFAULT_LOCATION_ID)?.on_hand).toBe(20 - (5 - cancelled));
  });

  it("refuses to cancel a draft a ship has claimed, and a repeated ship finishes it", async () => {
    const product = await insertProduct();
    await stock(product.id, DEFAULT_LOCATION_ID, 2);
    const draft = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: (await createLocation()).id,
      lines: [{ product_id: product.id, qty: 2 }],
    });
    // As if a ship claimed it and stopped before its batch (a crash, a lost connection).
    await createDb(env.DB)
      .update(transfers)
      .set({ shipStartedAt: new Date().toISOString() })
      .where(eq(transfers.id, draft.body.id));
    expectProblem(await send("POST", `/v1/transfers/${draft.body.id}/cancel`), 409, "INVALID_TRANSITION");
    expect((await send("POST", `/v1/transfers/${draft.body.id}/ship`)).body).toMatchObject({
      transfer: { status: "shipped" },
    });
  });

  it("refuses to ship a draft whose destination was deleted, moving nothing", async () => {
    const admin = await signInAs("admin");
    const product = await insertProduct();
    await stock(product.id, DEFAULT_LOCATION_ID, 5);
    const gone = await createLocation();
    const draft = await send("POST", "/v1/transfers", {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: gone.id,
      lines: [{ product_id: product.id, qty: 2 }],
    });
    expect(
      (
        await call("DELETE", `/v1/locations/${gone.id}`, {
          token: admin.token,
          headers: { "if-match": `W/"${gone.version}"` },
        })
      ).status,
    ).toBe(204);
    expectProblem(await send("POST", `/v1/transfers/${draft.body.id}/ship`), 404, "NOT_FOUND");
    expect((await level(product.id)).on_hand).toBe(5);
    expect((await send("POST", `/v1/transfers/${draft.body.id}/cancel`)).body).toMatchObject({ status: "cancelled" });
  });
});
