/*
 * Authentication rules: customers sign themselves up; login answers the same error,
 * after the same work, for an unknown email and a wrong password; refresh tokens
 * rotate on every use, and presenting a used one is treated as theft, which revokes
 * the whole session (its token family); changing the password closes every other
 * session. Rate limiting of these endpoints is done by the routes.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { UserActor } from "../../context";
import { isUniqueViolation } from "../../db/batch";
import type { Database } from "../../db/client";
import { refreshTokens, sessions, users } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { badRequest, conflict, notFound, unauthenticated } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import {
  burnPasswordCheck,
  hashPassword,
  passwordProblems,
  revokeUserSessions,
  toUserResponse,
  verifyPassword,
} from "../users";
import { mintRefreshToken, openSession, revokeSession, tokenPair } from "./sessions";
import type { TokenConfig } from "./tokens";

const invalidCredentials = () => unauthenticated("The email or password is not correct.");

export interface Credentials {
  email: string;
  password: string;
}

export async function register(
  db: Database,
  config: TokenConfig,
  input: Credentials & { name: string },
  meta: RequestMeta,
  userAgent: string | null,
) {
  const problems = passwordProblems(input.password, input.email);
  if (problems.length > 0) throw badRequest("The password does not meet the policy.", problems);
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1);
  if (existing.length > 0) throw conflict("An account with this email already exists.");

  const now = nowIso();
  const user = {
    id: newId("usr"),
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    role: "customer" as const,
    status: "active" as const,
    version: 1,
    lastLoginAt: now,
    createdAt: now,
    updatedAt: now,
  };
  const session = await openSession(db, user.id, meta, userAgent);
  try {
    await db.batch([
      db.insert(users).values(user),
      ...session.statements,
      auditInsert(
        db,
        {
          ...meta,
          actor: { kind: "user", id: user.id, role: "customer", sessionId: session.sessionId },
        },
        {
          action: "user.registered",
          entityType: "user",
          entityId: user.id,
          after: toUserResponse(user),
        },
      ),
    ]);
  } catch (err) {
    // Two sign-ups racing for one email: the unique index lets exactly one through.
    if (isUniqueViolation(err, users, "users_email_unique"))
      throw conflict("An account with this email already exists.");
    throw err;
  }
  return { ...(await tokenPair(config, user, session.sessionId, session.refreshToken)), user: toUserResponse(user) };
}

export async function login(
  db: Database,
  config: TokenConfig,
  input: Credentials,
  meta: RequestMeta,
  userAgent: string | null,
) {
  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  if (!user) {
    await burnPasswordCheck(input.password);
    throw invalidCredentials();
  }
  const ok = await verifyPassword(input.password, user.passwordHash);
  if (!ok || user.status !== "active") throw invalidCredentials();

  const session = await openSession(db, user.id, meta, userAgent);
  const now = nowIso();
  await db.batch([...session.statements, db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id))]);
  return {
    ...(await tokenPair(config, user, session.sessionId, session.refreshToken)),
    user: toUserResponse({ ...user, lastLoginAt: now }),
  };
}

export async function refresh(db: Database, config: TokenConfig, refreshToken: string) {
  const [row] = await db
    .select({ token: refreshTokens, session: sessions, user: users })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, await sha256Hex(refreshToken)))
    .limit(1);
  const now = nowIso();
  if (!row || row.session.revokedAt !== null || row.user.status !== "active")
    throw unauthenticated("The refresh token is not valid.");
  if (row.token.expiresAt <= now || row.session.expiresAt <= now)
    throw unauthenticated("The refresh token has expired.");

  // Claim the token with a conditional update, so two concurrent uses cannot both win.
  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.usedAt)))
    .returning({ id: refreshTokens.id });
  if (claimed.length === 0) {
    await revokeSession(db, row.session.id, "refresh_token_reuse");
    throw unauthenticated("The refresh token was already used; the session has been revoked.");
  }
  const next = await mintRefreshToken(db, row.session.id);
  await next.insert;
  return {
    ...(await tokenPair(config, row.user, row.session.id, next.token)),
    user: toUserResponse(row.user),
  };
}

export async function logout(db: Database, actor: UserActor): Promise<void> {
  await revokeSession(db, actor.sessionId, "logout");
}

async function loadSelf(db: Database, actor: UserActor) {
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user) throw notFound("User");
  return user;
}

export async function getProfile(db: Database, actor: UserActor) {
  return toUserResponse(await loadSelf(db, actor));
}

export async function updateProfile(
  db: Database,
  actor: UserActor,
  input: { name?: string | undefined; email?: string | undefined; current_password?: string | undefined },
  meta: RequestMeta,
) {
  const user = await loadSelf(db, actor);
  if (input.email !== undefined && input.email !== user.email) {
    if (!input.current_password || !(await verifyPassword(input.current_password, user.passwordHash))) {
      throw badRequest("Changing the email needs the current password.", [
        { path: "current_password", message: "Required and must be correct to change the email" },
      ]);
    }
  }
  const changes = {
    name: input.name ?? user.name,
    email: input.email ?? user.email,
    version: user.version + 1,
    updatedAt: nowIso(),
  };
  try {
    await db.batch([
      db.update(users).set(changes).where(eq(users.id, user.id)),
      auditInsert(db, meta, {
        action: "user.profile_updated",
        entityType: "user",
        entityId: user.id,
        before: toUserResponse(user),
        after: toUserResponse({ ...user, ...changes }),
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, users, "users_email_unique"))
      throw conflict("An account with this email already exists.");
    throw err;
  }
  return toUserResponse({ ...user, ...changes });
}

/** Changes the password, closes every session of the user, and opens a fresh one for the caller. */
export async function changePassword(
  db: Database,
  config: TokenConfig,
  actor: UserActor,
  input: { current_password: string; new_password: string },
  meta: RequestMeta,
  userAgent: string | null,
) {
  const user = await loadSelf(db, actor);
  if (!(await verifyPassword(input.current_password, user.passwordHash))) {
    throw badRequest("The current password is not correct.", [
      { path: "current_password", message: "Incorrect password" },
    ]);
  }
  const problems = passwordProblems(input.new_password, user.email, "new_password");
  if (input.new_password === input.current_password) {
    problems.push({ path: "new_password", message: "Choose a password different from the current one." });
  }
  if (problems.length > 0) throw badRequest("The new password does not meet the policy.", problems);

  const session = await openSession(db, user.id, meta, userAgent);
  const updated = {
    ...user,
    passwordHash: await hashPassword(input.new_password),
    version: user.version + 1,
    updatedAt: nowIso(),
  };
  await db.batch([
    revokeUserSessions(db, user.id, "password_changed"),
    db
      .update(users)
      .set({ passwordHash: updated.passwordHash, version: updated.version, updatedAt: updated.updatedAt })
      .where(eq(users.id, user.id)),
    ...session.statements,
    auditInsert(db, meta, { action: "user.password_changed", entityType: "user", entityId: user.id }),
  ]);
  return { ...(await tokenPair(config, user, session.sessionId, session.refreshToken)), user: toUserResponse(updated) };
}
