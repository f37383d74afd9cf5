import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../../src/middleware/permissions";
import { createApiKey, login, signInAs, TEST_PASSWORD, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

interface Caller {
  kind: string;
  user: { id: string; email: string; name: string; role: string; version: number } | null;
  api_key: { id: string; type: string; scopes: string[] } | null;
  permissions: string[];
}

/** What the table grants a role, read straight from the table rather than through isAllowed. */
const grantedToRole = (role: string) =>
  Object.entries(PERMISSIONS)
    .filter(
      ([, rule]) =>
        (rule.roles as readonly string[]).includes(role) || (rule.own as string[] | undefined)?.includes(role),
    )
    .map(([endpoint]) => endpoint)
    .sort();

describe("GET /v1/auth/me", () => {
  it.each(["admin", "manager", "operator", "customer"] as const)("describes a signed-in %s", async (role) => {
    const user = await signInAs(role);
    const res = await call<Caller>("GET", "/v1/auth/me", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: "user", api_key: null, user: { id: user.id, email: user.email, role } });
    expect([...res.body.permissions].sort()).toEqual(grantedToRole(role));
  });

  it("spells out the permission differences between roles", async () => {
    const customer = await signInAs("customer");
    const res = await call<Caller>("GET", "/v1/auth/me", { token: customer.token });
    expect(res.body.permissions).toContain("GET /v1/users/:id");
    expect(res.body.permissions).not.toContain("GET /v1/users");
    expect(res.body.permissions).not.toContain("POST /v1/api-keys");
  });

  it("describes an API key caller and the endpoints its scopes open", async () => {
    const admin = await signInAs("admin");
    const key = await createApiKey(admin, { scopes: ["users:read", "audit:read"] });
    const res = await call<Caller>("GET", "/v1/auth/me", { headers: { "x-api-key": key.secret } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: "api_key",
      user: null,
      api_key: { id: key.id, type: "secret", scopes: ["audit:read", "users:read"] },
    });
    const expected = Object.entries(PERMISSIONS)
      .filter(([, r]) => r.anyKey || r.scope === "users:read" || r.scope === "audit:read")
      .map(([e]) => e)
      .sort();
    expect([...res.body.permissions].sort()).toEqual(expected);
    expect(res.body.permissions).toContain("GET /v1/users");
    expect(res.body.permissions).not.toContain("POST /v1/users");
  });

  it("needs credentials", async () => {
    expectProblem(await call("GET", "/v1/auth/me"), 401, "UNAUTHENTICATED");
  });
});

describe("PATCH /v1/auth/me", () => {
  it("changes the name and bumps the version", async () => {
    const user = await signInAs("customer");
    const res = await call<{ name: string; version: number }>("PATCH", "/v1/auth/me", {
      token: user.token,
      body: { name: "  Grace Hopper " },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Grace Hopper", version: 2 });
  });

  it("changes the email only with the correct current password", async () => {
    const user = await signInAs("customer");
    const email = uniqueEmail("moved");
    const without = await call("PATCH", "/v1/auth/me", { token: user.token, body: { email } });
    expectProblem(without, 400, "VALIDATION_FAILED");
    expect(problemPaths(without)).toEqual(["current_password"]);
    const wrong = await call("PATCH", "/v1/auth/me", {
      token: user.token,
      body: { email, current_password: "Not-The-Password-1" },
    });
    expectProblem(wrong, 400, "VALIDATION_FAILED");

    const ok = await call<{ email: string }>("PATCH", "/v1/auth/me", {
      token: user.token,
      body: { email: email.toUpperCase(), current_password: TEST_PASSWORD },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.email).toBe(email);
    expect((await login(email)).status).toBe(200);
    expect((await login(user.email)).status).toBe(401);
  });

  it("refuses an email another account has", async () => {
    const [user, other] = await Promise.all([signInAs("customer"), signInAs("customer")]);
    const res = await call("PATCH", "/v1/auth/me", {
      token: user.token,
      body: { email: other.email, current_password: TEST_PASSWORD },
    });
    expectProblem(res, 409, "CONFLICT");
  });

  it("cannot be used to change one's own role or status", async () => {
    const user = await signInAs("customer");
    for (const body of [{ role: "admin" }, { status: "active" }, { password_hash: "x" }]) {
      const res = await call("PATCH", "/v1/auth/me", { token: user.token, body });
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
    const me = await call<Caller>("GET", "/v1/auth/me", { token: user.token });
    expect(me.body.user?.role).toBe("customer");
  });

  it("is for people, not API keys", async () => {
    const admin = await signInAs("admin");
    const key = await createApiKey(admin, { scopes: ["users:write"] });
    expectProblem(await call("PATCH", "/v1/auth/me", { token: key.secret, body: { name: "Bot" } }), 403, "FORBIDDEN");
  });
});
