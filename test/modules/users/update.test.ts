import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { login, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

interface User {
  id: string;
  name: string;
  role: string;
  status: string;
  version: number;
}

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

function patchUser(id: string, body: Record<string, unknown>, ifMatch?: string) {
  return call<User>("PATCH", `/v1/users/${id}`, {
    token: admin.token,
    body,
    headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
  });
}

const meStatus = async (token: string) => (await call("GET", "/v1/auth/me", { token })).status;

describe("PATCH /v1/users/:id", () => {
  it("updates with a matching If-Match and answers the new ETag", async () => {
    const user = await signInAs("customer");
    const current = await call<User>("GET", `/v1/users/${user.id}`, { token: admin.token });
    const etag = current.headers.get("etag") ?? "";
    const res = await patchUser(user.id, { name: "Renamed" }, etag);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed", version: current.body.version + 1 });
    expect(res.headers.get("etag")).toBe(`W/"${current.body.version + 1}"`);
    // A name change does not end the user's sessions.
    expect(await meStatus(user.token)).toBe(200);
  });

  it("answers 412 for a stale If-Match and 400 for a malformed one", async () => {
    const user = await signInAs("customer");
    expect((await patchUser(user.id, { name: "First" }, 'W/"1"')).status).toBe(200);
    const stale = await patchUser(user.id, { name: "Second" }, 'W/"1"');
    expectProblem(stale, 412, "PRECONDITION_FAILED");
    for (const bad of ["1", "W/1", '"abc"', 'W/""']) {
      const res = await patchUser(user.id, { name: "Third" }, bad);
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problemPaths(res)).toEqual(["If-Match"]);
    }
    const now = await call<User>("GET", `/v1/users/${user.id}`, { token: admin.token });
    expect(now.body).toMatchObject({ name: "First", version: 2 });
  });

  it("lets exactly one of two concurrent writers holding the same version win, with one audit row", async () => {
    const user = await signInAs("customer");
    const results = await Promise.all([
      patchUser(user.id, { name: "Writer A" }, 'W/"1"'),
      patchUser(user.id, { name: "Writer B" }, 'W/"1"'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)?.body.name;
    const audit = await env.DB.prepare("SELECT after FROM audit_logs WHERE entity_id = ? AND action = 'user.updated'")
      .bind(user.id)
      .all<{ after: string }>();
    expect(audit.results.map((r) => JSON.parse(r.after).name)).toEqual([winner]);
  });

  it("changes the role, which ends the user's sessions so the new role applies at once", async () => {
    const user = await signInAs("operator");
    const res = await patchUser(user.id, { role: "manager" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.role).toBe("manager");
    expect(await meStatus(user.token)).toBe(401);
    const again = await login(user.email);
    expect(again.body.user.role).toBe("manager");
  });

  it("refuses unknown fields, bad values, unknown users and non-admins", async () => {
    const user = await signInAs("customer");
    expect(problemPaths(await patchUser(user.id, { email: "new@example.com" }))).toEqual(["email"]);
    expect(problemPaths(await patchUser(user.id, { role: "superuser" }))).toEqual(["role"]);
    expectProblem(await patchUser("usr_missing", { name: "Ghost" }), 404, "NOT_FOUND");
    const manager = await signInAs("manager");
    const res = await call("PATCH", `/v1/users/${user.id}`, { token: manager.token, body: { role: "admin" } });
    expectProblem(res, 403, "FORBIDDEN");
    const self = await call("PATCH", `/v1/users/${user.id}`, { token: user.token, body: { role: "admin" } });
    expectProblem(self, 403, "FORBIDDEN");
  });
});

describe("DELETE /v1/users/:id", () => {
  it("deactivates: the user's access and refresh tokens stop working and login fails", async () => {
    const user = await signInAs("manager");
    const res = await call<User>("DELETE", `/v1/users/${user.id}`, { token: admin.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("deactivated");

    expectProblem(await call("GET", "/v1/auth/me", { token: user.token }), 401, "UNAUTHENTICATED");
    const refresh = await call("POST", "/v1/auth/refresh", { body: { refresh_token: user.refreshToken } });
    expectProblem(refresh, 401, "UNAUTHENTICATED");
    expectProblem(await login(user.email), 401, "UNAUTHENTICATED");
  });

  it("can be undone by setting the status back to active", async () => {
    const user = await signInAs("customer");
    await call("DELETE", `/v1/users/${user.id}`, { token: admin.token });
    expect((await patchUser(user.id, { status: "active" })).body.status).toBe("active");
    expect((await login(user.email)).status).toBe(200);
  });

  it("refuses to let an admin deactivate themselves, and unknown ids", async () => {
    await signInAs("admin"); // another admin exists, so only the self rule can refuse
    expectProblem(await call("DELETE", `/v1/users/${admin.id}`, { token: admin.token }), 409, "CONFLICT");
    expectProblem(await patchUser(admin.id, { status: "deactivated" }), 409, "CONFLICT");
    expect(await meStatus(admin.token)).toBe(200);
    expectProblem(await call("DELETE", "/v1/users/usr_missing", { token: admin.token }), 404, "NOT_FOUND");
  });
});
