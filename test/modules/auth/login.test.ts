import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login, signInAs, TEST_PASSWORD, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, type Problem } from "../../support/problem";

/** The problem body without the members that differ on every request. */
function stable(body: Problem) {
  const { request_id: _r, timestamp: _t, ...rest } = body;
  return rest;
}

describe("POST /v1/auth/login", () => {
  it("returns an access token, a refresh token and the user", async () => {
    const user = await signInAs("operator");
    const res = await login(user.email.toUpperCase());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    expect(res.body.access_token.split(".")).toHaveLength(3);
    expect(res.body.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(res.body.user).toMatchObject({ id: user.id, email: user.email, role: "operator" });
    expect(res.body.user).toHaveProperty("last_login_at", expect.any(String));
    expect(res.body.user).not.toHaveProperty("password_hash");
    expect(res.body.refresh_token).not.toBe(user.refreshToken);
  });

  it("stores refresh tokens hashed, never in the clear", async () => {
    const user = await signInAs("customer");
    const row = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE token_hash = ?")
      .bind(user.refreshToken)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
    const dump = await env.DB.prepare("SELECT * FROM refresh_tokens").all();
    expect(JSON.stringify(dump.results)).not.toContain(user.refreshToken);
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const user = await signInAs("customer");
    const wrong = await login(user.email, "Wrong-Password-1");
    const unknown = await login(uniqueEmail("nobody"), "Wrong-Password-1");
    const wrongProblem = expectProblem(wrong, 401, "UNAUTHENTICATED");
    const unknownProblem = expectProblem(unknown, 401, "UNAUTHENTICATED");
    expect(stable(unknownProblem)).toEqual(stable(wrongProblem));
    expect(wrong.headers.get("www-authenticate")).toBe(unknown.headers.get("www-authenticate"));
  });

  it("validates the body before doing any work", async () => {
    const res = await call("POST", "/v1/auth/login", { body: { email: "x@example.com" } });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(res.body.errors).toEqual([{ path: "password", message: expect.any(String) }]);
  });
});

describe("POST /v1/auth/logout", () => {
  it("ends the session at once: its access and refresh tokens stop working", async () => {
    const user = await signInAs("manager");
    const other = await login(user.email);
    const res = await call("POST", "/v1/auth/logout", { token: user.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");

    expectProblem(await call("GET", "/v1/auth/me", { token: user.token }), 401, "UNAUTHENTICATED");
    const refresh = await call("POST", "/v1/auth/refresh", { body: { refresh_token: user.refreshToken } });
    expectProblem(refresh, 401, "UNAUTHENTICATED");
    // Only that session ends.
    expect((await call("GET", "/v1/auth/me", { token: other.body.access_token })).status).toBe(200);
  });

  it("needs a signed-in user", async () => {
    expectProblem(await call("POST", "/v1/auth/logout"), 401, "UNAUTHENTICATED");
  });

  it("answers the same after a second logout with the dead token", async () => {
    const user = await signInAs("customer");
    expect((await call("POST", "/v1/auth/logout", { token: user.token })).status).toBe(204);
    expectProblem(await call("POST", "/v1/auth/logout", { token: user.token }), 401, "UNAUTHENTICATED");
  });

  it("signs a deactivated user's login out like a wrong password", async () => {
    const user = await signInAs("customer");
    await env.DB.prepare("UPDATE users SET status = 'deactivated' WHERE id = ?").bind(user.id).run();
    const problem = expectProblem(await login(user.email, TEST_PASSWORD), 401, "UNAUTHENTICATED");
    expect(problem.detail).toBe("The email or password is not correct.");
  });
});
