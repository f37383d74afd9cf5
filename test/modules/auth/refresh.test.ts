import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login, type SessionBody, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

function refresh(refreshToken: string) {
  return call<SessionBody>("POST", "/v1/auth/refresh", { body: { refresh_token: refreshToken } });
}

const meStatus = async (token: string) => (await call("GET", "/v1/auth/me", { token })).status;

describe("POST /v1/auth/refresh", () => {
  it("rotates: a new pair comes back and the old refresh token is spent", async () => {
    const user = await signInAs("customer");
    const res = await refresh(user.refreshToken);
    expect(res.status, res.text).toBe(200);
    expect(res.body.refresh_token).not.toBe(user.refreshToken);
    expect(res.body.access_token).not.toBe(user.token);
    expect(res.body.user).toMatchObject({ id: user.id, role: "customer" });
    expect(await meStatus(res.body.access_token)).toBe(200);

    const again = await refresh(res.body.refresh_token);
    expect(again.status).toBe(200);
  });

  it("treats reuse of a rotated token as theft and revokes the whole family", async () => {
    const user = await signInAs("customer");
    const second = await refresh(user.refreshToken);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);

    const reuse = await refresh(user.refreshToken);
    expectProblem(reuse, 401, "UNAUTHENTICATED");

    // The newest refresh token and every access token of the session are dead too.
    expectProblem(await refresh(third.body.refresh_token), 401, "UNAUTHENTICATED");
    expect(await meStatus(third.body.access_token)).toBe(401);
    expect(await meStatus(user.token)).toBe(401);
    const session = await env.DB.prepare("SELECT revoked_reason FROM sessions WHERE user_id = ?")
      .bind(user.id)
      .first<{ revoked_reason: string }>();
    expect(session?.revoked_reason).toBe("refresh_token_reuse");
  });

  it("leaves the user's other sessions alone when one family is revoked", async () => {
    const user = await signInAs("operator");
    const elsewhere = await login(user.email);
    await refresh(user.refreshToken);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect(await meStatus(elsewhere.body.access_token)).toBe(200);
    expect((await refresh(elsewhere.body.refresh_token)).status).toBe(200);
  });

  it("lets only one of two concurrent uses of the same token win", async () => {
    const user = await signInAs("customer");
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("refuses unknown, expired and malformed tokens", async () => {
    expectProblem(await refresh("rt_not-a-token-we-ever-issued"), 401, "UNAUTHENTICATED");

    const user = await signInAs("customer");
    await env.DB.prepare(
      "UPDATE refresh_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)",
    )
      .bind(user.id)
      .run();
    const expired = expectProblem(await refresh(user.refreshToken), 401, "UNAUTHENTICATED");
    expect(expired.detail).toMatch(/expired/);

    expectProblem(await call("POST", "/v1/auth/refresh", { body: {} }), 400, "VALIDATION_FAILED");
  });

  it("stops working once the user is deactivated", async () => {
    const user = await signInAs("customer");
    await env.DB.prepare("UPDATE users SET status = 'deactivated' WHERE id = ?").bind(user.id).run();
    expectProblem(await refresh(user.refreshToken), 401, "UNAUTHENTICATED");
  });
});
