import { describe, expect, it } from "vitest";
import { call } from "../../support/http";

describe("health", () => {
  it("answers liveness", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("checks D1, R2 and a Durable Object round trip for readiness", async () => {
    const res = await call<{ status: string; checks: Record<string, { ok: boolean }> }>("GET", "/health/ready");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(Object.keys(res.body.checks).sort()).toEqual(["d1", "durable_object", "r2"]);
    expect(Object.values(res.body.checks).every((c) => c.ok)).toBe(true);
  });

  it("echoes a sane X-Request-Id and replaces a hostile one", async () => {
    expect((await call("GET", "/health", { headers: { "x-request-id": "abc-123" } })).headers.get("x-request-id")).toBe(
      "abc-123",
    );
    const hostile = await call("GET", "/health", { headers: { "x-request-id": "a b<script>" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("answers unknown routes with problem+json", async () => {
    const res = await call("GET", "/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 404, code: "NOT_FOUND", request_id: expect.any(String) });
  });
});
