import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signInAs } from "../../support/auth";
import { call } from "../../support/http";

const [ALLOWED = ""] = env.CORS_ORIGINS.split(",").map((o) => o.trim());

describe("CORS", () => {
  it("echoes an allowed origin and exposes the headers clients need", async () => {
    expect(ALLOWED).toMatch(/^https?:\/\//);
    const res = await call("GET", "/health", { headers: { origin: ALLOWED } });
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("vary")).toMatch(/origin/i);
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    for (const header of ["etag", "x-request-id", "retry-after"]) expect(exposed).toContain(header);
  });

  it("grants an allowed origin on error responses too, so browsers can read the problem", async () => {
    for (const [method, path] of [
      ["GET", "/v1/auth/me"],
      ["GET", "/v1/nope"],
    ] as const) {
      const res = await call(method, path, { headers: { origin: ALLOWED } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    }
    const tooBig = await call("POST", "/v1/auth/login", {
      body: "x".repeat(Number(env.MAX_BODY_BYTES) + 1),
      headers: { origin: ALLOWED },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  });

  it("gives a disallowed origin no CORS grant, on normal and error responses", async () => {
    for (const path of ["/health", "/v1/auth/me"]) {
      const res = await call("GET", path, { headers: { origin: "https://evil.example" } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("answers a preflight from an allowed origin without authentication", async () => {
    const res = await call("OPTIONS", "/v1/users", {
      headers: {
        origin: ALLOWED,
        "access-control-request-method": "PATCH",
        "access-control-request-headers": "authorization, content-type, if-match",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("access-control-allow-methods")).toContain("PATCH");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["authorization", "content-type", "if-match", "x-api-key"]) expect(allowed).toContain(header);
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
  });

  it("does not grant a preflight from a disallowed origin", async () => {
    const res = await call("OPTIONS", "/v1/users", {
      headers: { origin: "https://evil.example", "access-control-request-method": "DELETE" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("secure headers and request ids", () => {
  it("sets the secure headers on API, error and docs responses", async () => {
    for (const path of ["/health", "/v1/nope", "/docs"]) {
      const res = await call("GET", path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("echoes a sane X-Request-Id on every answer and puts it in problem bodies", async () => {
    const res = await call("GET", "/v1/users", { headers: { "x-request-id": "trace-42.a:b" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBe("trace-42.a:b");
    expect(res.body.request_id).toBe("trace-42.a:b");
    const long = await call("GET", "/health", { headers: { "x-request-id": "x".repeat(129) } });
    expect(long.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("caching of answers to callers with credentials", () => {
  it("marks authenticated JSON (answers and problems) private, no-store; public answers keep their own caching", async () => {
    const admin = await signInAs("admin");
    for (const path of ["/v1/auth/me", "/v1/users", "/v1/orders/zzz_0"]) {
      const res = await call("GET", path, { token: admin.token });
      expect(res.headers.get("cache-control"), path).toBe("private, no-store");
    }
    const forged = await call("GET", "/v1/auth/me", { token: "not-a-token" });
    expect(forged.status).toBe(401);
    expect(forged.headers.get("cache-control")).toBe("private, no-store");
    const store = await call("GET", "/v1/store/products");
    expect(store.headers.get("cache-control") ?? "").not.toContain("no-store");
  });
});
