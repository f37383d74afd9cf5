import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { withServerTiming } from "../../../src/lib/server-timing";
import { call } from "../../support/http";
import { serverTiming } from "../../support/server-timing";

const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

/** Runs `body` as a request handler behind the metering and returns its Server-Timing. */
async function meter(body: (env: Env) => Promise<unknown>, vars: Partial<Env> = {}) {
  const handler = withServerTiming(async (_request, meteredEnv) => {
    await body(meteredEnv);
    return new Response("ok");
  });
  const res = await handler(new Request("https://stockroom.test/"), { ...env, ...vars }, ctx);
  return res.headers;
}

describe("Server-Timing", () => {
  it("is on every response: success, 404, problem, preflight", async () => {
    for (const [method, path] of [
      ["GET", "/health"],
      ["GET", "/v1/nowhere"],
      ["GET", "/v1/orders"],
      ["OPTIONS", "/v1/products"],
    ] as const) {
      const res = await call(method, path, { headers: { origin: "http://localhost:5173" } });
      expect(res.headers.get("server-timing"), `${method} ${path}`).toMatch(/(^|, )app;dur=[\d.]+$/);
    }
  });

  it("counts a batch as one round trip of many statements, and sequential awaits as one each", async () => {
    const headers = await meter(async ({ DB }) => {
      await DB.batch([1, 2, 3, 4, 5].map((n) => DB.prepare("SELECT ?").bind(n)));
      await DB.prepare("SELECT 1").first();
      await DB.prepare("SELECT 2").all();
    });
    expect(serverTiming(headers).d1).toMatchObject({ roundTrips: 3, units: 7 });
    expect(headers.get("server-timing")).toMatch(/^d1;desc="3 round trips, 7 statements";dur=[\d.]+, app;dur=/);
  });

  it("counts calls started together as one round trip", async () => {
    const headers = await meter(async ({ DB, INVENTORY, RATE_LIMIT_API }) => {
      await Promise.all([DB.prepare("SELECT 1").first(), DB.prepare("SELECT 2").first()]);
      const stubs = ["a", "b", "c"].map((name) => INVENTORY.get(INVENTORY.idFromName(`timing-${name}`)));
      await Promise.all(stubs.map((stub) => stub.snapshot()));
      await RATE_LIMIT_API.limit({ key: "timing" });
      await RATE_LIMIT_API.limit({ key: "timing" });
    });
    const timing = serverTiming(headers);
    expect(timing.d1).toMatchObject({ roundTrips: 1, units: 2 });
    expect(timing.do).toMatchObject({ roundTrips: 1, units: 3 });
    expect(timing.ratelimit).toMatchObject({ roundTrips: 2, units: 2 });
  });

  it("meters queues and R2 too", async () => {
    const headers = await meter(async ({ JOBS, FILES }) => {
      await FILES.put("timing/probe", "x");
      await FILES.head("timing/probe");
      await JOBS.sendBatch(
        [{ body: { kind: "noop" } }, { body: { kind: "noop" } }].map((m) => ({ ...m, delaySeconds: 3600 })),
      );
    });
    const timing = serverTiming(headers);
    expect(timing.r2).toMatchObject({ roundTrips: 2, units: 2 });
    expect(timing.queue).toMatchObject({ roundTrips: 1, units: 2 });
  });

  it("is left out with SERVER_TIMING=off", async () => {
    const headers = await meter(async ({ DB }) => DB.prepare("SELECT 1").first(), { SERVER_TIMING: "off" });
    expect(headers.get("server-timing")).toBeNull();
  });
});
