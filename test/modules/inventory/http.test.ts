import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import { MOVEMENT_REASONS } from "../../../src/durable/inventory/types";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";
import { insertProduct } from "../../support/products";

let manager: SignedIn;
beforeAll(async () => {
  manager = await signInAs("manager");
});

const key = () => crypto.randomUUID();

async function adjust(productId: string, delta: number, idempotencyKey = key(), reason = "received") {
  return call<{
    movement: { id: string; reason: string };
    level: { on_hand: number; available: number; version: number };
  }>("POST", `/v1/inventory/${productId}/adjustments`, {
    token: manager.token,
    headers: { "idempotency-key": idempotencyKey },
    body: { delta, reason },
  });
}

describe("inventory over HTTP", () => {
  it("adjusts stock and reads it back from the object with an ETag", async () => {
    const product = await insertProduct();
    const res = await adjust(product.id, 12);
    expect(res.status).toBe(201);
    expect(res.body.level).toMatchObject({ on_hand: 12, available: 12, version: 1 });
    const level = await call("GET", `/v1/inventory/${product.id}`, { token: manager.token });
    expect(level.status).toBe(200);
    expect(level.body).toMatchObject({ product_id: product.id, on_hand: 12, reserved: 0, available: 12, version: 1 });
    expect(level.headers.get("etag")).toBe('W/"1"');
  });

  it("replays a repeated Idempotency-Key without a second movement, and refuses it with another body", async () => {
    const product = await insertProduct();
    const k = key();
    const first = await adjust(product.id, 5, k);
    const again = await adjust(product.id, 5, k);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.movement.id).toBe(first.body.movement.id);
    const other = await adjust(product.id, 6, k);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: "IDEMPOTENCY_CONFLICT" });
    const ledger = await call<{ data: unknown[] }>("GET", `/v1/inventory/${product.id}/movements`, {
      token: manager.token,
    });
    expect(ledger.body.data).toHaveLength(1);
  });

  it("runs concurrent requests with one key once", async () => {
    const product = await insertProduct();
    const k = key();
    const answers = await Promise.all(Array.from({ length: 5 }, () => adjust(product.id, 3, k)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.movement.id)).size).toBe(1);
    const level = await call("GET", `/v1/inventory/${product.id}`, { token: manager.token });
    expect(level.body).toMatchObject({ on_hand: 3 });
  });

  it("needs an Idempotency-Key and refuses what would go below zero", async () => {
    const product = await insertProduct();
    const missing = await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: manager.token,
      body: { delta: 1, reason: "received" },
    });
    expect(missing.status).toBe(400);
    const below = await adjust(product.id, -1, key(), "damaged");
    expect(below.status).toBe(409);
    expect(below.body).toMatchObject({ code: "INSUFFICIENT_STOCK", requested: 1, available: 0 });
    expect((await adjust(product.id, 1, key(), "stolen")).status).toBe(400);
    expect((await adjust("prd_unknown", 1)).status).toBe(404);
    // A reason that says which way units went must agree with the delta's sign.
    for (const [delta, reason] of [
      [3, "damaged"],
      [2, "lost"],
      [-1, "received"],
      [-1, "found"],
    ] as const) {
      const res = await adjust(product.id, delta, key(), reason);
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problemPaths(res)).toEqual(["delta"]);
    }
    expect((await call("GET", `/v1/inventory/${product.id}`, { token: manager.token })).body).toMatchObject({
      on_hand: 0,
    });
  });

  it("sets a counted base inventory with If-Match, refusing stale or missing versions", async () => {
    const product = await insertProduct();
    await adjust(product.id, 10);
    const url = `/v1/inventory/${product.id}`;
    const noPrecondition = await call("PUT", url, { token: manager.token, body: { on_hand: 7 } });
    expect(noPrecondition.status).toBe(428);
    const stale = await call("PUT", url, {
      token: manager.token,
      headers: { "if-match": 'W/"0"' },
      body: { on_hand: 7 },
    });
    expect(stale.status).toBe(412);
    const both = await call("PUT", url, {
      token: manager.token,
      headers: { "if-match": 'W/"1"' },
      body: { on_hand: 7, expected_version: 999 },
    });
    expectProblem(both, 400, "VALIDATION_FAILED");
    const counted = await call<{ movement: { reason: string; delta_on_hand: number }; level: { on_hand: number } }>(
      "PUT",
      url,
      {
        token: manager.token,
        headers: { "if-match": 'W/"1"' },
        body: { on_hand: 7, note: "shelf count" },
      },
    );
    expect(counted.status).toBe(200);
    expect(counted.body.movement).toMatchObject({ reason: "cycle_count", delta_on_hand: -3 });
    const byBody = await call("PUT", url, { token: manager.token, body: { on_hand: 9, expected_version: 2 } });
    expect(byBody.status).toBe(200);
  });

  it("pages the ledger newest first and filters it by reason", async () => {
    const product = await insertProduct();
    for (const delta of [1, 2, 3]) await adjust(product.id, delta);
    await adjust(product.id, -1, key(), "damaged");
    const first = await call<{ data: { delta_on_hand: number }[]; next_cursor: string }>(
      "GET",
      `/v1/inventory/${product.id}/movements?limit=2`,
      { token: manager.token },
    );
    expect(first.body.data.map((m) => m.delta_on_hand)).toEqual([-1, 3]);
    const second = await call<{ data: { delta_on_hand: number }[]; next_cursor: string | null }>(
      "GET",
      `/v1/inventory/${product.id}/movements?limit=2&cursor=${first.body.next_cursor}`,
      { token: manager.token },
    );
    expect(second.body.data.map((m) => m.delta_on_hand)).toEqual([2, 1]);
    expect(second.body.next_cursor).toBeNull();
    const damaged = await call<{ data: unknown[] }>("GET", `/v1/inventory/${product.id}/movements?reason=damaged`, {
      token: manager.token,
    });
    expect(damaged.body.data).toHaveLength(1);
    // The reason filter at its maximum of repeats, with every other filter: one of each reason is kept.
    const repeats = Array.from(
      { length: MOVEMENT_REASONS.length * 4 },
      (_, i) => `reason=${MOVEMENT_REASONS[i % MOVEMENT_REASONS.length]}`,
    );
    const since = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString().replace("Z", "+00:00"));
    const all = await call<{ data: unknown[] }>(
      "GET",
      `/v1/inventory/${product.id}/movements?${repeats.join("&")}&location_id=${DEFAULT_LOCATION_ID}&created_from=${since}&limit=200`,
      { token: manager.token },
    );
    expect(all.status, all.text).toBe(200);
    expect(all.body.data).toHaveLength(4);
    const tooMany = `${repeats.join("&")}&reason=damaged`;
    expectProblem(
      await call("GET", `/v1/inventory/${product.id}/movements?${tooMany}`, { token: manager.token }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("checks lines and reports availability of many products from their objects", async () => {
    const [a, b] = [await insertProduct(), await insertProduct()];
    await adjust(a.id, 4);
    const check = await call<{ ok: boolean; lines: unknown[] }>("POST", "/v1/inventory/check", {
      token: manager.token,
      body: {
        lines: [
          { product_id: a.id, qty: 4 },
          { product_id: b.id, qty: 1 },
        ],
      },
    });
    expect(check.body).toEqual({
      ok: false,
      lines: [
        { product_id: a.id, requested: 4, available: 4, ok: true },
        { product_id: b.id, requested: 1, available: 0, ok: false },
      ],
    });
    // Two lines of one product are checked together, as checkout merges them: 3 + 3 of 4 is short.
    const split = await call<{ ok: boolean; lines: { ok: boolean }[] }>("POST", "/v1/inventory/check", {
      token: manager.token,
      body: {
        lines: [
          { product_id: a.id, qty: 3 },
          { product_id: a.id, qty: 3 },
        ],
      },
    });
    expect(split.body).toMatchObject({ ok: false, lines: [{ ok: false }, { ok: false }] });
    const many = await call<{ data: { product_id: string; in_stock: boolean }[] }>(
      "GET",
      `/v1/inventory/available?product_id=${a.id}&product_id=${b.id}`,
      { token: manager.token },
    );
    expect(many.body.data.map((l) => [l.product_id, l.in_stock])).toEqual([
      [a.id, true],
      [b.id, false],
    ]);
  });

  it("applies a batch line by line: a bad line fails alone", async () => {
    const [a, b] = [await insertProduct(), await insertProduct()];
    const res = await call<{
      applied: number;
      failed: number;
      results: { ok: boolean; error: { code: string } | null }[];
    }>("POST", "/v1/inventory/adjustments:batch", {
      token: manager.token,
      headers: { "idempotency-key": key() },
      body: {
        lines: [
          { product_id: a.id, delta: 10, reason: "received" },
          { product_id: b.id, delta: -1, reason: "damaged" },
          { product_id: "prd_missing", delta: 1, reason: "found" },
          { product_id: a.id, delta: -4, reason: "damaged" },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: 2, failed: 2 });
    expect(res.body.results.map((r) => r.error?.code ?? "ok")).toEqual(["ok", "INSUFFICIENT_STOCK", "NOT_FOUND", "ok"]);
    const level = await call("GET", `/v1/inventory/${a.id}`, { token: manager.token });
    expect(level.body).toMatchObject({ on_hand: 6 });
  });

  it("keeps customers and anonymous callers out", async () => {
    const product = await insertProduct();
    const customer = await signInAs("customer");
    expect((await call("GET", `/v1/inventory/${product.id}`, { token: customer.token })).status).toBe(403);
    expect((await call("GET", `/v1/inventory/${product.id}`)).status).toBe(401);
  });
});
