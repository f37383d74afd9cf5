import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import type { Actor } from "../../../src/context";
import { isAllowed, PERMISSIONS, type Rule, SCOPES } from "../../../src/middleware/permissions";

/** Every `/v1` endpoint the app serves, as `METHOD /path` (middleware `ALL` entries left out). */
function servedEndpoints(): Set<string> {
  return new Set(
    createApp()
      .routes.filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/"))
      .map((r) => `${r.method} ${r.path}`),
  );
}

describe("the permission table and the router", () => {
  it("has an entry for every /v1 route the app serves", () => {
    const missing = [...servedEndpoints()].filter((endpoint) => !(endpoint in PERMISSIONS));
    expect(missing).toEqual([]);
  });

  it("has no entry for a route the app does not serve", () => {
    const served = servedEndpoints();
    expect(Object.keys(PERMISSIONS).filter((endpoint) => !served.has(endpoint))).toEqual([]);
  });

  it("names only known scopes and never lets publishable keys write", () => {
    for (const [endpoint, rule] of Object.entries(PERMISSIONS)) {
      expect(endpoint).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/v1\/\S+$/);
      if (rule.scope) expect(SCOPES).toContain(rule.scope);
      // docs/architecture.md, "Security": publishable keys only read the storefront. Public endpoints
      // (open to anonymous callers anyway) are the one exception.
      if (rule.publishable && !rule.anonymous) expect(endpoint, endpoint).toMatch(/^GET /);
    }
  });
});

describe("isAllowed", () => {
  const user = (role: "admin" | "manager" | "operator" | "customer"): Actor => ({
    kind: "user",
    id: "usr_x",
    role,
    sessionId: "ses_x",
  });
  const key = (type: "secret" | "publishable", scopes: string[] = []): Actor => ({
    kind: "api_key",
    id: "key_x",
    type,
    scopes,
  });

  it("opens a rule to anonymous callers only when it says so", () => {
    expect(isAllowed({ roles: ["admin"] }, null)).toBe(false);
    expect(isAllowed({ roles: [], anonymous: true }, null)).toBe(true);
  });

  it("lets users in by role or by `own`", () => {
    const rule: Rule = { roles: ["admin"], own: ["customer"] };
    expect(isAllowed(rule, user("admin"))).toBe(true);
    expect(isAllowed(rule, user("customer"))).toBe(true);
    expect(isAllowed(rule, user("manager"))).toBe(false);
  });

  it("lets secret keys in by exact scope or anyKey, publishable keys only by `publishable`", () => {
    const rule: Rule = { roles: ["admin"], scope: "orders:read" };
    expect(isAllowed(rule, key("secret", ["orders:read"]))).toBe(true);
    expect(isAllowed(rule, key("secret", ["orders:write", "products:read"]))).toBe(false);
    expect(isAllowed({ roles: ["admin"], anyKey: true }, key("secret"))).toBe(true);
    expect(isAllowed({ roles: ["admin"], anyKey: true, scope: "orders:read" }, key("publishable"))).toBe(false);
    expect(isAllowed({ roles: [], publishable: true }, key("publishable"))).toBe(true);
    // A scope never opens a route to a publishable key, and a role never opens one to a key.
    expect(isAllowed({ roles: ["admin"], scope: "orders:read" }, key("publishable", ["orders:read"]))).toBe(false);
  });
});
