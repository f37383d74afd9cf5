import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { expectProblem } from "../../support/problem";
import { insertProduct } from "../../support/products";

let manager: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  [manager, operator] = await Promise.all([signInAs("manager"), signInAs("operator")]);
});

describe("locations", () => {
  it("the migration made MAIN, the default location, which fulfils orders and cannot be deleted", async () => {
    const res = await call("GET", `/v1/locations/${DEFAULT_LOCATION_ID}`, { token: operator.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: "MAIN", kind: "warehouse", fulfils_orders: true, active: true });
    const del = await call("DELETE", `/v1/locations/${DEFAULT_LOCATION_ID}`, { token: manager.token });
    expectProblem(del, 409, "CONFLICT");
  });

  it("creates, reads, lists, updates with If-Match and refuses duplicate codes", async () => {
    const created = await createLocation({ kind: "core_shed", fulfils_orders: false });
    expect(created.id).toMatch(/^loc_/);
    const dup = await call("POST", "/v1/locations", {
      token: manager.token,
      body: { name: "Again", code: created.code, kind: "store" },
    });
    expectProblem(dup, 409, "CONFLICT");
    const list = await call<{ data: { id: string }[] }>("GET", "/v1/locations?kind=core_shed&limit=200", {
      token: operator.token,
    });
    expect(list.body.data.map((l) => l.id)).toContain(created.id);
    const stale = await call("PATCH", `/v1/locations/${created.id}`, {
      token: manager.token,
      headers: { "if-match": 'W/"9"' },
      body: { priority: 1 },
    });
    expectProblem(stale, 412, "PRECONDITION_FAILED");
    const patched = await call("PATCH", `/v1/locations/${created.id}`, {
      token: manager.token,
      headers: { "if-match": `W/"${created.version}"` },
      body: { priority: 1, active: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priority: 1, active: false, version: 2 });
    expect(patched.headers.get("etag")).toBe('W/"2"');
  });

  it("refuses bad input without creating anything", async () => {
    const res = await call("POST", "/v1/locations", {
      token: manager.token,
      body: { name: "", code: "lower case", kind: "moon" },
    });
    expectProblem(res, 400, "VALIDATION_FAILED");
  });

  it("refuses to delete a location with stock, allows it once empty", async () => {
    const location = await createLocation();
    const product = await insertProduct();
    const adjust = (delta: number) =>
      call("POST", `/v1/inventory/${product.id}/adjustments`, {
        token: manager.token,
        headers: { "idempotency-key": crypto.randomUUID() },
        body: { delta, reason: delta > 0 ? "received" : "correction", location_id: location.id },
      });
    expect((await adjust(4)).status).toBe(201);
    // The projection is written right after the change; wait for it rather than sleep blindly.
    await expect
      .poll(async () => (await call("DELETE", `/v1/locations/${location.id}`, { token: manager.token })).status)
      .toBe(409);
    expect((await adjust(-4)).status).toBe(201);
    await expect
      .poll(async () => (await call("DELETE", `/v1/locations/${location.id}`, { token: manager.token })).status)
      .toBe(204);
    expectProblem(await call("GET", `/v1/locations/${location.id}`, { token: operator.token }), 404, "NOT_FOUND");
  });
});

describe("inventory at a location over HTTP", () => {
  it("adjusts, reads and counts per location, with that location's version as ETag", async () => {
    const location = await createLocation();
    const product = await insertProduct();
    const res = await call<{ level: { locations: { location_id: string }[] } }>(
      "POST",
      `/v1/inventory/${product.id}/adjustments`,
      {
        token: operator.token,
        headers: { "idempotency-key": crypto.randomUUID() },
        body: { delta: 9, reason: "received", location_id: location.id },
      },
    );
    expect(res.status).toBe(201);
    const one = await call("GET", `/v1/inventory/${product.id}?location_id=${location.id}`, { token: operator.token });
    expect(one.body).toMatchObject({ on_hand: 9, locations: [{ location_id: location.id, on_hand: 9, version: 1 }] });
    expect(one.headers.get("etag")).toBe('W/"1"');
    const stale = await call("PUT", `/v1/inventory/${product.id}`, {
      token: operator.token,
      headers: { "if-match": 'W/"0"' },
      body: { on_hand: 7, location_id: location.id },
    });
    expectProblem(stale, 412, "PRECONDITION_FAILED");
    const counted = await call("PUT", `/v1/inventory/${product.id}`, {
      token: operator.token,
      headers: { "if-match": 'W/"1"' },
      body: { on_hand: 7, location_id: location.id },
    });
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ movement: { location_id: location.id, delta_on_hand: -2 } });
    const unknown = await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: operator.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { delta: 1, reason: "received", location_id: "loc_nowhere" },
    });
    expectProblem(unknown, 404, "NOT_FOUND");
  });

  it("marks units damaged and refuses a change that would break an invariant with 409 and the level", async () => {
    const product = await insertProduct();
    await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: operator.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { delta: 3, reason: "received" },
    });
    const change = (body: Record<string, unknown>) =>
      call("POST", `/v1/inventory/${product.id}/state-changes`, {
        token: operator.token,
        headers: { "idempotency-key": crypto.randomUUID() },
        body,
      });
    const damaged = await change({ from: "sellable", to: "damaged", qty: 2, note: "forklift" });
    expect(damaged.status).toBe(201);
    expect(damaged.body).toMatchObject({
      movement: { reason: "marked_damaged", location_id: DEFAULT_LOCATION_ID, damaged: 2 },
      level: { on_hand: 3, damaged: 2, available: 1 },
    });
    const refused = await change({ from: "sellable", to: "quarantine", qty: 2 });
    const problem = expectProblem(refused, 409, "INSUFFICIENT_STOCK");
    expect(problem).toMatchObject({ level: { location_id: DEFAULT_LOCATION_ID, on_hand: 3, damaged: 2 } });
    expectProblem(await change({ from: "damaged", to: "damaged", qty: 1 }), 400, "VALIDATION_FAILED");
    // `out` belongs to dispatches, and units from outside were never stock to write off.
    for (const pair of [
      { from: "sellable", to: "out" },
      { from: "external", to: "out" },
      { from: "out", to: "sellable" },
      { from: "external", to: "written_off" },
    ]) {
      expectProblem(await change({ ...pair, qty: 1 }), 400, "VALIDATION_FAILED");
    }
    expect((await call("GET", `/v1/inventory/${product.id}`, { token: operator.token })).body).toMatchObject({
      on_hand: 3,
      damaged: 2,
      out: 0,
    });
  });
});
