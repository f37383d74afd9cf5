import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, type SignedIn, signInAs, TEST_PASSWORD, uniqueEmail } from "../../support/auth";
import { type CallOptions, call } from "../../support/http";
import { expectProblem } from "../../support/problem";

interface AuditRow {
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  ip: string | null;
}

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

/** A request with a known request id and client ip, so the audit row can be traced to it. */
function traced(method: string, path: string, options: CallOptions = {}) {
  const requestId = `audit-${crypto.randomUUID()}`;
  const headers = { ...options.headers, "x-request-id": requestId, "cf-connecting-ip": "203.0.113.7" };
  return call<Record<string, unknown>>(method, path, { token: admin.token, ...options, headers }).then((res) => ({
    res,
    requestId,
  }));
}

async function auditRows(query: string): Promise<AuditRow[]> {
  const res = await call<{ data: AuditRow[] }>("GET", `/v1/audit-logs?${query}`, { token: admin.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

async function onlyRowFor(requestId: string, query: string): Promise<AuditRow> {
  const rows = (await auditRows(query)).filter((r) => r.request_id === requestId);
  expect(rows).toHaveLength(1);
  return rows[0] as AuditRow;
}

describe("audit trail", () => {
  it("records user creation, update and deactivation with actor, request id, ip and images", async () => {
    const email = uniqueEmail("audited");
    const created = await traced("POST", "/v1/users", {
      body: { email, name: "Audited", password: TEST_PASSWORD, role: "operator" },
    });
    const id = String(created.res.body.id);
    const createRow = await onlyRowFor(created.requestId, `entity_id=${id}&action=user.created`);
    expect(createRow).toMatchObject({
      actor_type: "user",
      actor_id: admin.id,
      entity_type: "user",
      ip: "203.0.113.7",
      before: null,
      after: { id, email, role: "operator", status: "active" },
    });

    const updated = await traced("PATCH", `/v1/users/${id}`, { body: { role: "manager" } });
    const updateRow = await onlyRowFor(updated.requestId, `entity_id=${id}&action=user.updated`);
    expect(updateRow.before).toMatchObject({ role: "operator", version: 1 });
    expect(updateRow.after).toMatchObject({ role: "manager", version: 2 });

    const deleted = await traced("DELETE", `/v1/users/${id}`);
    const deleteRow = await onlyRowFor(deleted.requestId, `entity_id=${id}&action=user.deactivated`);
    expect(deleteRow.before).toMatchObject({ status: "active" });
    expect(deleteRow.after).toMatchObject({ status: "deactivated" });
  });

  it("writes nothing when the change is refused", async () => {
    const user = await signInAs("customer");
    const stale = await traced("PATCH", `/v1/users/${user.id}`, {
      body: { name: "X" },
      headers: { "if-match": 'W/"9"' },
    });
    expect(stale.res.status).toBe(412);
    const self = await traced("DELETE", `/v1/users/${admin.id}`);
    expect(self.res.status).toBe(409);
    const rows = await auditRows("limit=200");
    expect(rows.filter((r) => r.request_id === stale.requestId || r.request_id === self.requestId)).toEqual([]);
  });

  it("records API key creation and revocation without the key or its hash", async () => {
    const created = await traced("POST", "/v1/api-keys", { body: { name: "audited key", scopes: ["orders:read"] } });
    const id = String(created.res.body.id);
    const secret = String(created.res.body.secret);
    const createRow = await onlyRowFor(created.requestId, `entity_type=api_key&entity_id=${id}`);
    expect(createRow).toMatchObject({
      action: "api_key.created",
      actor_id: admin.id,
      after: { id, scopes: ["orders:read"] },
    });

    const revoked = await traced("DELETE", `/v1/api-keys/${id}`);
    const revokeRow = await onlyRowFor(revoked.requestId, `entity_id=${id}&action=api_key.revoked`);
    expect(revokeRow.after).toMatchObject({ revoked_at: expect.any(String) });
    expect(JSON.stringify([createRow, revokeRow])).not.toContain(secret);
  });

  it("records registration, profile and password changes by the user themselves", async () => {
    const email = uniqueEmail("selfserve");
    const reg = await call<{ access_token: string; user: { id: string } }>("POST", "/v1/auth/register", {
      body: { email, password: TEST_PASSWORD, name: "Self" },
    });
    const id = reg.body.user.id;
    const token = reg.body.access_token;
    await call("PATCH", "/v1/auth/me", { token, body: { name: "Self Served" } });
    const changed = await call("POST", "/v1/auth/password", {
      token,
      body: { current_password: TEST_PASSWORD, new_password: "Another-Secret-55" },
      headers: { "x-request-id": `pw-${id}` },
    });
    expect(changed.status).toBe(200);

    const rows = await auditRows(`entity_id=${id}`);
    expect(rows.map((r) => r.action)).toEqual(["user.password_changed", "user.profile_updated", "user.registered"]);
    expect(rows.every((r) => r.actor_type === "user" && r.actor_id === id)).toBe(true);
    expect(rows[0]?.request_id).toBe(`pw-${id}`);
  });

  it("never stores secrets in any row", async () => {
    const key = await createApiKey(admin, { scopes: ["users:read"] });
    const all = await env.DB.prepare("SELECT * FROM audit_logs").all();
    expect(all.results.length).toBeGreaterThan(0);
    const dump = JSON.stringify(all.results);
    for (const needle of [
      "password_hash",
      "passwordHash",
      "key_hash",
      "keyHash",
      "pbkdf2$",
      TEST_PASSWORD,
      key.secret,
    ]) {
      expect(dump).not.toContain(needle);
    }
    expect(dump).not.toMatch(/"secret"/);
  });
});

describe("GET /v1/audit-logs", () => {
  it("filters by actor and action and pages with a cursor", async () => {
    const actor = await signInAs("admin");
    for (const role of ["customer", "operator", "manager"]) {
      await call("POST", "/v1/users", {
        token: actor.token,
        body: { email: uniqueEmail("trail"), name: "Trail", password: TEST_PASSWORD, role },
      });
    }
    const first = await call<{ data: AuditRow[]; next_cursor: string | null }>(
      "GET",
      `/v1/audit-logs?actor_id=${actor.id}&action=user.created&limit=2`,
      { token: admin.token },
    );
    expect(first.body.data.map((r) => r.after?.role)).toEqual(["manager", "operator"]);
    const second = await auditRows(`actor_id=${actor.id}&action=user.created&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.map((r) => r.after?.role)).toEqual(["customer"]);
    expect(await auditRows(`actor_id=${actor.id}&action=user.deactivated`)).toEqual([]);
  });

  it("is open to admins and keys with audit:read only", async () => {
    const reader = await createApiKey(admin, { scopes: ["audit:read"] });
    expect((await call("GET", "/v1/audit-logs?limit=1", { token: reader.secret })).status).toBe(200);
    const manager = await signInAs("manager");
    expectProblem(await call("GET", "/v1/audit-logs", { token: manager.token }), 403, "FORBIDDEN");
    expectProblem(await call("GET", "/v1/audit-logs"), 401, "UNAUTHENTICATED");
  });
});
