import { env } from "cloudflare:workers";
import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

const encoder = new TextEncoder();
let user: SignedIn;
let claims: { sub: string; role: string; sid: string };

interface Forgery {
  key?: string;
  alg?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  sub?: string;
}

/** A token exactly like the API's own, with one thing changed. */
function forge(change: Forgery = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: change.alg ?? "HS256", typ: "JWT" })
    .setSubject(change.sub ?? claims.sub)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now - 60)
    .setExpirationTime(change.expiresAt ?? now + 600)
    .setIssuer(change.issuer ?? env.JWT_ISSUER)
    .setAudience(change.audience ?? env.JWT_AUDIENCE)
    .sign(encoder.encode(change.key ?? env.JWT_SECRET));
}

async function expectRejected(token: string) {
  const res = await call("GET", "/v1/auth/me", { token });
  expectProblem(res, 401, "UNAUTHENTICATED");
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
}

beforeAll(async () => {
  user = await signInAs("customer");
  const payload = decodeJwt(user.token);
  claims = { sub: String(payload.sub), role: String(payload.role), sid: String(payload.sid) };
});

describe("access token verification", () => {
  it("issues HS256 tokens with the documented claims", () => {
    const payload = decodeJwt(user.token);
    expect(payload).toMatchObject({ sub: user.id, role: "customer", iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE });
    expect(typeof payload.jti).toBe("string");
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
  });

  it("accepts a token forged with the real key and claims (the control for every case below)", async () => {
    expect((await call("GET", "/v1/auth/me", { token: await forge() })).status).toBe(200);
  });

  it("rejects a tampered payload (role raised to admin, signature kept)", async () => {
    const [header, , signature] = user.token.split(".");
    const payload = { ...decodeJwt(user.token), role: "admin" };
    await expectRejected(`${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`);
  });

  it("rejects a tampered signature", async () => {
    const [header, payload, signature = ""] = user.token.split(".");
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    await expectRejected(`${header}.${payload}.${flipped}`);
    await expectRejected(`${header}.${payload}.`);
  });

  it("rejects an unsigned `alg: none` token", async () => {
    const token = new UnsecuredJWT({ role: "admin", sid: claims.sid })
      .setSubject(claims.sub)
      .setJti("none")
      .setIssuedAt()
      .setExpirationTime("10m")
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .encode();
    await expectRejected(token);
  });

  it("rejects a token signed with another key", async () => {
    await expectRejected(await forge({ key: "another-secret-that-is-long-enough-0123456789" }));
  });

  it("rejects another HMAC algorithm even with the right key", async () => {
    await expectRejected(await forge({ alg: "HS512" }));
  });

  it("rejects an expired token", async () => {
    await expectRejected(await forge({ expiresAt: Math.floor(Date.now() / 1000) - 120 }));
  });

  it("rejects a wrong audience and a wrong issuer", async () => {
    await expectRejected(await forge({ audience: "someone-else" }));
    await expectRejected(await forge({ issuer: "someone-else" }));
  });

  it("rejects a valid signature whose subject does not own the session", async () => {
    const other = await signInAs("admin");
    await expectRejected(await forge({ sub: other.id }));
  });

  it("rejects malformed Authorization headers, even on public endpoints", async () => {
    for (const authorization of ["Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer a b"]) {
      const res = await call("GET", "/v1/auth/me", { headers: { authorization } });
      expectProblem(res, 401, "UNAUTHENTICATED");
    }
    const login = await call("POST", "/v1/auth/login", {
      token: "garbage",
      body: { email: user.email, password: "whatever-1A" },
    });
    expectProblem(login, 401, "UNAUTHENTICATED");
  });
});
