import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../../src/middleware/permissions";
import { createApiKey, type SignedIn, signInAs, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

interface ApiKey {
  id: string;
  name: string;
  type: string;
  prefix: string;
  scopes: string[];
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  secret?: string;
}

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

function createKey(body: Record<string, unknown>) {
  return call<ApiKey>("POST", "/v1/api-keys", { token: admin.token, body });
}

async function listKeys(query = "limit=200") {
  const res = await call<{ data: ApiKey[]; next_cursor: string | null }>("GET", `/v1/api-keys?${query}`, {
    token: admin.token,
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe("POST /v1/api-keys", () => {
  it("creates a secret key with scopes and shows the secret exactly once", async () => {
    const res = await createKey({ name: "ERP sync", scopes: ["users:read", "products:write", "users:read"] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      name: "ERP sync",
      type: "secret",
      scopes: ["products:write", "users:read"],
      created_by: admin.id,
      last_used_at: null,
      revoked_at: null,
    });
    const secret = res.body.secret ?? "";
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(res.body.prefix)).toBe(true);
    expect(res.body.prefix.length).toBeLessThan(secret.length / 3);

    const listed = (await listKeys()).data.find((k) => k.id === res.body.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty("secret");
    expect(JSON.stringify(await listKeys())).not.toContain(secret);
  });

  it("stores only a hash of the key", async () => {
    const res = await createKey({ name: "hashed", scopes: ["orders:read"] });
    const secret = res.body.secret ?? "";
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(res.body.id).first();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret.slice(res.body.prefix.length));
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("creates publishable keys without scopes and refuses them with scopes", async () => {
    const ok = await createKey({ name: "storefront", type: "publishable" });
    expect(ok.status).toBe(201);
    expect(ok.body.secret).toMatch(/^pk_/);
    expect(ok.body.scopes).toEqual([]);
    const scoped = await createKey({ name: "storefront", type: "publishable", scopes: ["products:read"] });
    expectProblem(scoped, 400, "VALIDATION_FAILED");
    expect(problemPaths(scoped)).toEqual(["scopes"]);
  });

  it("refuses unknown scopes, types and fields", async () => {
    const badScope = await createKey({ name: "x", scopes: ["users:admin"] });
    expectProblem(badScope, 400, "VALIDATION_FAILED");
    expect(problemPaths(badScope)).toEqual(["scopes.0"]);
    expect(problemPaths(await createKey({ name: "x", type: "root" }))).toEqual(["type"]);
    expect(problemPaths(await createKey({ name: "x", key_hash: "abc" }))).toEqual(["key_hash"]);
    expect(problemPaths(await createKey({ scopes: [] }))).toEqual(["name"]);
  });
});

describe("using a key", () => {
  it("authenticates as Authorization: Bearer and as X-API-Key, and records last use", async () => {
    const key = await createKey({ name: "reader", scopes: ["users:read"] });
    const secret = key.body.secret ?? "";
    expect((await call("GET", "/v1/users?limit=1", { token: secret })).status).toBe(200);
    expect((await call("GET", "/v1/users?limit=1", { headers: { "x-api-key": secret } })).status).toBe(200);
    // The last-use write is handed to waitUntil; it lands shortly after the response.
    let lastUsed: string | null = null;
    for (let i = 0; i < 50 && lastUsed === null; i++) {
      const row = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
        .bind(key.body.id)
        .first<{ last_used_at: string | null }>();
      lastUsed = row?.last_used_at ?? null;
      if (lastUsed === null) await new Promise((r) => setTimeout(r, 10));
    }
    expect(lastUsed).not.toBeNull();
    expect(Date.parse(lastUsed ?? "")).toBeGreaterThanOrEqual(Date.parse(key.body.created_at));
  });

  it("is refused outside its scopes and for key administration", async () => {
    const key = await createKey({ name: "reader", scopes: ["users:read"] });
    const secret = key.body.secret ?? "";
    expectProblem(await call("GET", "/v1/audit-logs", { token: secret }), 403, "FORBIDDEN");
    expectProblem(await call("DELETE", `/v1/users/${admin.id}`, { token: secret }), 403, "FORBIDDEN");
    expectProblem(await call("GET", "/v1/api-keys", { token: secret }), 403, "FORBIDDEN");
    expectProblem(await call("POST", "/v1/api-keys", { token: secret, body: { name: "child" } }), 403, "FORBIDDEN");
  });

  it("refuses made-up and malformed keys", async () => {
    for (const secret of [
      "sk_ThisKeyWasNeverIssuedByStockroom0123456789",
      "pk_short",
      "sk_has spaces and more text here",
    ]) {
      expectProblem(await call("GET", "/v1/auth/me", { headers: { "x-api-key": secret } }), 401, "UNAUTHENTICATED");
    }
  });

  it("gives a publishable key only the endpoints marked publishable", async () => {
    const key = await createKey({ name: "storefront", type: "publishable" });
    const secret = key.body.secret ?? "";
    expectProblem(await call("GET", "/v1/users", { token: secret }), 403, "FORBIDDEN");
    expectProblem(await call("GET", "/v1/auth/me", { token: secret }), 403, "FORBIDDEN");
    // Public endpoints (marked publishable) are open to it.
    expect(PERMISSIONS["POST /v1/auth/login"]?.publishable).toBe(true);
    const login = await call("POST", "/v1/auth/login", { token: secret, body: {} });
    expectProblem(login, 400, "VALIDATION_FAILED");
  });
});

describe("DELETE /v1/api-keys/:id", () => {
  it("revokes at once: the very next request with the key is a 401", async () => {
    const key = await createKey({ name: "short-lived", scopes: ["users:read"] });
    const secret = key.body.secret ?? "";
    expect((await call("GET", "/v1/users?limit=1", { token: secret })).status).toBe(200);

    const res = await call<ApiKey>("DELETE", `/v1/api-keys/${key.body.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.revoked_at).toEqual(expect.any(String));
    expect(res.body).not.toHaveProperty("secret");

    expectProblem(await call("GET", "/v1/users?limit=1", { token: secret }), 401, "UNAUTHENTICATED");
    expect((await listKeys()).data.map((k) => k.id)).not.toContain(key.body.id);
    expect((await listKeys("include_revoked=true&limit=200")).data.map((k) => k.id)).toContain(key.body.id);
    // Revoking again is harmless and keeps the first revocation time.
    const again = await call<ApiKey>("DELETE", `/v1/api-keys/${key.body.id}`, { token: admin.token });
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
  });

  it("records one revocation when two arrive at once", async () => {
    const key = await createKey({ name: "raced" });
    const both = await Promise.all(
      [1, 2].map(() => call<ApiKey>("DELETE", `/v1/api-keys/${key.body.id}`, { token: admin.token })),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[0]?.body.revoked_at).toBe(both[1]?.body.revoked_at);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_logs WHERE entity_id = ? AND action = 'api_key.revoked'",
    )
      .bind(key.body.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("answers 404 for an unknown key and 403 for non-admins", async () => {
    expectProblem(await call("DELETE", "/v1/api-keys/key_missing", { token: admin.token }), 404, "NOT_FOUND");
    const manager = await signInAs("manager");
    const key = await createKey({ name: "victim" });
    expectProblem(await call("DELETE", `/v1/api-keys/${key.body.id}`, { token: manager.token }), 403, "FORBIDDEN");
  });
});

describe("GET /v1/api-keys", () => {
  it("pages newest first", async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await createKey({ name: `page ${i}` })).body.id);
    const first = await listKeys("limit=2");
    expect(first.data.map((k) => k.id)).toEqual([made[2], made[1]]);
    const second = await listKeys(`limit=2&cursor=${first.next_cursor}`);
    expect(second.data[0]?.id).toBe(made[0]);
  });
});

describe("a key's authority", () => {
  it("cannot make, change or remove an admin, and ends while its creator is not an active admin", async () => {
    const creator = await signInAs("admin");
    const other = await signInAs("admin");
    const key = await createApiKey(creator, { scopes: ["users:read", "users:write"] });
    const asKey = (method: string, path: string, body?: unknown) =>
      call<{ id: string; version: number }>(
        method,
        path,
        body === undefined ? { token: key.secret } : { token: key.secret, body },
      );
    const person = { email: uniqueEmail("keymade"), name: "Key Made", password: "Str0ng-enough-pass" };
    expectProblem(await asKey("POST", "/v1/users", { ...person, role: "admin" }), 403, "FORBIDDEN");
    const manager = await asKey("POST", "/v1/users", { ...person, role: "manager" });
    expect(manager.status, manager.text).toBe(201);
    expectProblem(await asKey("PATCH", `/v1/users/${manager.body.id}`, { role: "admin" }), 403, "FORBIDDEN");
    expectProblem(await asKey("PATCH", `/v1/users/${other.id}`, { name: "Renamed" }), 403, "FORBIDDEN");
    expectProblem(await asKey("DELETE", `/v1/users/${other.id}`), 403, "FORBIDDEN");

    const deactivate = await call("DELETE", `/v1/users/${creator.id}`, { token: other.token });
    expect(deactivate.status, deactivate.text).toBeLessThan(300);
    expectProblem(await asKey("GET", "/v1/users"), 401, "UNAUTHENTICATED");
    const reinstated = await call("PATCH", `/v1/users/${creator.id}`, {
      token: other.token,
      body: { status: "active" },
    });
    expect(reinstated.status, reinstated.text).toBe(200);
    expect((await asKey("GET", "/v1/users")).status).toBe(200);
  });
});
