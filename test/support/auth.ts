import { decodeJwt } from "jose";
import { type Role, users } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { hashPassword } from "../../src/modules/users/passwords";
import { db } from "./db";
import { call } from "./http";

export const TEST_PASSWORD = "Correct-Horse-42";
let passwordHash: Promise<string> | undefined;

export interface SignedIn {
  id: string;
  email: string;
  role: Role;
  token: string;
  refreshToken: string;
}

export function uniqueEmail(label = "user"): string {
  return `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`;
}

/**
 * A fresh client address (IPv6 documentation range) for each sign-in, as distinct
 * clients have: login is also limited per IP across emails (RATE_LIMIT_AUTH_IP), and
 * the suite signs in far more users a minute than one client may.
 */
export function clientAddress(): { "cf-connecting-ip": string } {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return { "cf-connecting-ip": `2001:db8::${a?.toString(16)}:${b?.toString(16)}` };
}

/**
 * A user of any role, inserted straight into D1 (there is no admin to create the
 * first one through the API), then signed in through the real login endpoint.
 */
export async function signInAs(role: Role, email = uniqueEmail(role)): Promise<SignedIn> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const now = new Date().toISOString();
  const id = newId("usr");
  await db.insert(users).values({
    id,
    email,
    name: `Test ${role}`,
    passwordHash: await passwordHash,
    role,
    createdAt: now,
    updatedAt: now,
  });
  const res = await call<{ access_token: string; refresh_token: string }>("POST", "/v1/auth/login", {
    body: { email, password: TEST_PASSWORD },
    headers: clientAddress(),
  });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
  return { id, email, role, token: res.body.access_token, refreshToken: res.body.refresh_token };
}

/** A secret or publishable API key created by an admin through the API. */
export async function createApiKey(
  admin: SignedIn,
  input: { type?: "secret" | "publishable"; scopes?: string[]; name?: string } = {},
): Promise<{ id: string; secret: string }> {
  const res = await call<{ id: string; secret: string }>("POST", "/v1/api-keys", {
    token: admin.token,
    body: { name: input.name ?? "test key", type: input.type ?? "secret", scopes: input.scopes ?? [] },
  });
  if (res.status !== 201) throw new Error(`api key creation failed: ${res.status} ${res.text}`);
  return res.body;
}

export interface SessionBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  user: { id: string; email: string; name: string; role: Role; status: string; version: number };
}

/** Signs in through the real endpoint and returns the raw answer (for error cases too). */
export function login(email: string, password = TEST_PASSWORD, headers: Record<string, string> = clientAddress()) {
  return call<SessionBody>("POST", "/v1/auth/login", { body: { email, password }, headers });
}

/** The session id (`sid` claim) an access token belongs to. */
export function sessionIdOf(accessToken: string): string {
  const sid = decodeJwt(accessToken).sid;
  if (typeof sid !== "string") throw new Error("access token without sid");
  return sid;
}

/** The actor the API builds for a signed-in user, for comparing with `isAllowed`. */
export function userActorOf(user: SignedIn) {
  return { kind: "user" as const, id: user.id, role: user.role, sessionId: sessionIdOf(user.token) };
}
