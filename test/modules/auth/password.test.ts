import { describe, expect, it } from "vitest";
import { createApiKey, login, type SessionBody, signInAs, TEST_PASSWORD } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

const NEW_PASSWORD = "Brand-New-Secret-77";

function changePassword(token: string, body: Record<string, unknown>) {
  return call<SessionBody>("POST", "/v1/auth/password", { token, body });
}

describe("POST /v1/auth/password", () => {
  it("changes the password, signs every session out and returns a working new one", async () => {
    const user = await signInAs("operator");
    const otherDevice = await login(user.email);
    expect(otherDevice.status).toBe(200);

    const res = await changePassword(user.token, { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ token_type: "Bearer", user: { id: user.id, version: 2 } });

    // The fresh session works...
    expect((await call("GET", "/v1/auth/me", { token: res.body.access_token })).status).toBe(200);
    const rotated = await call("POST", "/v1/auth/refresh", { body: { refresh_token: res.body.refresh_token } });
    expect(rotated.status).toBe(200);
    // ...and every earlier one, on this device and the other, is closed.
    for (const token of [user.token, otherDevice.body.access_token]) {
      expectProblem(await call("GET", "/v1/auth/me", { token }), 401, "UNAUTHENTICATED");
    }
    for (const refreshToken of [user.refreshToken, otherDevice.body.refresh_token]) {
      const r = await call("POST", "/v1/auth/refresh", { body: { refresh_token: refreshToken } });
      expectProblem(r, 401, "UNAUTHENTICATED");
    }
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses a wrong current password and changes nothing", async () => {
    const user = await signInAs("customer");
    const res = await changePassword(user.token, { current_password: "Not-My-Password-1", new_password: NEW_PASSWORD });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problemPaths(res)).toEqual(["current_password"]);
    expect((await call("GET", "/v1/auth/me", { token: user.token })).status).toBe(200);
  });

  it("applies the password policy to the new password", async () => {
    const user = await signInAs("customer");
    for (const new_password of ["short-1A", "alllowercaseletters", TEST_PASSWORD, user.email]) {
      const res = await changePassword(user.token, { current_password: TEST_PASSWORD, new_password });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(new Set(problemPaths(res))).toEqual(new Set(["new_password"]));
    }
    expect((await call("GET", "/v1/auth/me", { token: user.token })).status).toBe(200);
  });

  it("refuses unknown fields and API keys", async () => {
    const admin = await signInAs("admin");
    const extra = await changePassword(admin.token, {
      current_password: TEST_PASSWORD,
      new_password: NEW_PASSWORD,
      user_id: "usr_someone_else",
    });
    expectProblem(extra, 400, "VALIDATION_FAILED");
    const key = await createApiKey(admin, { scopes: ["users:write"] });
    const asKey = await changePassword(key.secret, { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD });
    expectProblem(asKey, 403, "FORBIDDEN");
  });
});

describe("current-password checks", () => {
  it("are throttled per account like logins, on password change and on email change", async () => {
    const user = await signInAs("customer");
    const wrong = { current_password: "Not-My-Password-1", new_password: NEW_PASSWORD };
    const statuses: number[] = [];
    // The test configuration allows 5 a minute (vitest.config.ts); the API-wide limit is far away.
    for (let i = 0; i < 6; i++) statuses.push((await changePassword(user.token, wrong)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const guess = await call("PATCH", "/v1/auth/me", {
      token: user.token,
      body: { email: `moved-${crypto.randomUUID().slice(0, 8)}@example.com`, current_password: TEST_PASSWORD },
    });
    expectProblem(guess, 429, "RATE_LIMITED");
    // A name change checks no password and is not counted.
    expect((await call("PATCH", "/v1/auth/me", { token: user.token, body: { name: "Still Me" } })).status).toBe(200);
  });
});
