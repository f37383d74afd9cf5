import { and, eq, exists, isNull, type SQL, sql } from "drizzle-orm";
import type { UserActor } from "../../context";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { type Role, refreshTokens, sessions, users } from "../../db/schema";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { isoInSeconds, nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import {
  ACCESS_TOKEN_SECONDS,
  type AccessClaims,
  REFRESH_TOKEN_SECONDS,
  signAccessToken,
  type TokenConfig,
} from "./tokens";

export interface TokenPair {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
}

/** A refresh token is `rt_` + 32 random bytes; only its SHA-256 is stored. */
export async function mintRefreshToken(db: Database, sessionId: string) {
  const token = `rt_${randomToken(32)}`;
  const insert = db.insert(refreshTokens).values({
    id: newId("rtk"),
    sessionId,
    tokenHash: await sha256Hex(token),
    expiresAt: isoInSeconds(REFRESH_TOKEN_SECONDS),
    createdAt: nowIso(),
  });
  return { token, insert };
}

/** A new session with its first refresh token: the statements go into the caller's batch. */
export async function openSession(db: Database, userId: string, meta: RequestMeta, userAgent: string | null) {
  const sessionId = newId("ses");
  const openInsert = db.insert(sessions).values({
    id: sessionId,
    userId,
    createdAt: nowIso(),
    expiresAt: isoInSeconds(REFRESH_TOKEN_SECONDS),
    ip: meta.ip,
    userAgent: userAgent?.slice(0, 256) ?? null,
  });
  const refresh = await mintRefreshToken(db, sessionId);
  return { sessionId, refreshToken: refresh.token, statements: [openInsert, refresh.insert] as const };
}

export async function tokenPair(
  config: TokenConfig,
  user: { id: string; role: UserActor["role"] },
  sessionId: string,
  refreshToken: string,
): Promise<TokenPair> {
  return {
    access_token: await signAccessToken(config, { sub: user.id, role: user.role, sid: sessionId }),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: refreshToken,
  };
}

export function revokeSession(db: Database, sessionId: string, reason: string) {
  return db
    .update(sessions)
    .set({ revokedAt: nowIso(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * The user behind an access token's claims, or null. Besides the signature (checked by
 * `verifyAccessToken`) this checks, on every request, that the session is still open and
 * the user still active, so logout, password changes and deactivation take effect at
 * once rather than after 15 minutes. The role comes from the database, not the token, so
 * a demotion is immediate too.
 */
export async function sessionActor(db: Database, claims: AccessClaims): Promise<UserActor | null> {
  const [row] = await db
    .select({ id: users.id, role: users.role, status: users.status, revokedAt: sessions.revokedAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, claims.sid))
    .limit(1);
  if (!row || row.id !== claims.sub || row.revokedAt !== null || row.status !== "active") return null;
  return { kind: "user", id: row.id, role: row.role, sessionId: claims.sid };
}

/**
 * The same check as `sessionActor` as a condition, for a guard in a write's first batch:
 * the session is open, its user active and still the token's user with the token's role.
 */
export function sessionStillOpen(db: Database, claims: AccessClaims): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.id, claims.sid),
          isNull(sessions.revokedAt),
          eq(users.id, claims.sub),
          eq(users.status, "active"),
          eq(users.role, claims.role),
        ),
      ),
  );
}

/**
 * Of these sessions, the ones still open (not revoked, user active), each with its user's
 * role now: for holders of a session that outlives a request (a live-stock socket).
 */
export async function openSessionRoles(db: Database, sessionIds: readonly string[]): Promise<Map<string, Role>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .select({ id: sessions.id, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inList(sessions.id, sessionIds), isNull(sessions.revokedAt), eq(users.status, "active")));
  return new Map(rows.map((r) => [r.id, r.role]));
}
