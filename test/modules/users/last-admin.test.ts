import { describe, expect, it } from "vitest";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

/*
 * These tests need to know every active admin, so they make that set themselves:
 * each one deactivates every other active admin through the API first. Storage is
 * per test file, so no other file's admins are touched.
 */

interface User {
  id: string;
  role: string;
  status: string;
}

async function activeAdmins(token: string): Promise<User[]> {
  const res = await call<{ data: User[] }>("GET", "/v1/users?role=admin&status=active&limit=200", { token });
  expect(res.status).toBe(200);
  return res.body.data;
}

/** Leaves exactly `keep` as the active admins. */
async function onlyTheseAdmins(...keep: SignedIn[]): Promise<void> {
  const [first] = keep;
  if (!first) throw new Error("keep at least one admin");
  for (const other of await activeAdmins(first.token)) {
    if (keep.some((k) => k.id === other.id)) continue;
    expect((await call("DELETE", `/v1/users/${other.id}`, { token: first.token })).status).toBe(200);
  }
  expect((await activeAdmins(first.token)).map((u) => u.id).sort()).toEqual(keep.map((k) => k.id).sort());
}

describe("the last active admin", () => {
  it("cannot be demoted or deactivated, by themselves or by an API key", async () => {
    const admin = await signInAs("admin");
    await onlyTheseAdmins(admin);
    const key = await createApiKey(admin, { scopes: ["users:write"] });

    const demote = await call("PATCH", `/v1/users/${admin.id}`, { token: admin.token, body: { role: "manager" } });
    expectProblem(demote, 409, "CONFLICT");
    expect(demote.body.detail).toMatch(/last active admin/);
    // An API key never touches an admin at all (api-keys.test.ts), the last one included.
    const byKey = await call("PATCH", `/v1/users/${admin.id}`, { token: key.secret, body: { status: "deactivated" } });
    expectProblem(byKey, 403, "FORBIDDEN");
    expectProblem(await call("DELETE", `/v1/users/${admin.id}`, { token: key.secret }), 403, "FORBIDDEN");

    const me = await call<{ user: User }>("GET", "/v1/auth/me", { token: admin.token });
    expect(me.body.user).toMatchObject({ role: "admin", status: "active" });
  });

  it("can step down once another admin exists", async () => {
    const admin = await signInAs("admin");
    await onlyTheseAdmins(admin);
    const successor = await signInAs("admin");
    const res = await call<User>("PATCH", `/v1/users/${admin.id}`, { token: admin.token, body: { role: "manager" } });
    expect(res.status, res.text).toBe(200);
    expect((await activeAdmins(successor.token)).map((u) => u.id)).toEqual([successor.id]);
  });

  it("survives two admins demoting each other at the same moment: exactly one wins", async () => {
    const [a, b] = await Promise.all([signInAs("admin"), signInAs("admin")]);
    await onlyTheseAdmins(a, b);
    const [aDemotesB, bDemotesA] = await Promise.all([
      call("PATCH", `/v1/users/${b.id}`, { token: a.token, body: { role: "operator" } }),
      call("PATCH", `/v1/users/${a.id}`, { token: b.token, body: { role: "operator" } }),
    ]);
    const statuses = [aDemotesB.status, bDemotesA.status];
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // The loser either lost the race inside the database (409) or had already been
    // demoted, which ended its session (401), before its request was authenticated.
    expect(statuses.find((s) => s !== 200)).toBeOneOf([401, 409]);

    const survivor = aDemotesB.status === 200 ? a : b;
    expect((await activeAdmins(survivor.token)).map((u) => u.id)).toEqual([survivor.id]);
  });
});
