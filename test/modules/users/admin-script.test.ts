import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createUserSql, generatePassword, ITERATIONS, passwordMatches } from "../../../scripts/lib/users.mjs";
import { hashPassword, PBKDF2_ITERATIONS } from "../../../src/modules/users/passwords";
import { clientAddress, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";

/** `npm run create-admin` and the dev server's first start write users as SQL, hashed in Node: the worker must accept them. */
describe("the admin the scripts create", () => {
  it("signs in through the worker, and its creation is audited", async () => {
    const email = uniqueEmail("script-admin");
    const password = generatePassword();
    const { id, sql } = createUserSql({ email, name: "Script Admin", password, role: "admin" });
    const statements = sql.split(";\n").filter((s) => s.trim() !== "");
    await env.DB.batch(statements.map((s) => env.DB.prepare(s)));

    const res = await call<{ access_token: string }>("POST", "/v1/auth/login", {
      body: { email, password },
      headers: clientAddress(),
    });
    expect(res.status).toBe(200);
    const me = await call<{ user: { id: string; role: string } }>("GET", "/v1/auth/me", {
      token: res.body.access_token,
    });
    expect(me.body.user).toMatchObject({ id, role: "admin" });
    const audit = await env.DB.prepare("SELECT action FROM audit_logs WHERE entity_id = ?").bind(id).first();
    expect(audit).toEqual({ action: "user.created" });
  });

  it("hashes at the worker's cost and recognises the worker's hashes", async () => {
    expect(ITERATIONS).toBe(PBKDF2_ITERATIONS);
    const stored = await hashPassword("Correct-Horse-42");
    expect(passwordMatches("Correct-Horse-42", stored)).toBe(true);
    expect(passwordMatches("Correct-Horse-43", stored)).toBe(false);
  });
});
