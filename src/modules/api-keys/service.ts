/*
 * API keys: a key is shown once at creation and stored only as its SHA-256, with a
 * short visible prefix. Secret keys (`sk_`) carry scopes; publishable keys (`pk_`)
 * carry none and may only read the storefront. Revocation takes effect on the next
 * request because every request looks the key up. `last_used_at` is refreshed at
 * most once a minute so that hot keys do not turn every read into a write.
 */
import { and, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { ApiKeyActor } from "../../context";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { type ApiKeyType, apiKeys, users } from "../../db/schema";
import { randomToken, sha256Hex } from "../../lib/crypto";
import { badRequest, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { toApiKeyResponse } from "./schemas";

const TOUCH_INTERVAL_MS = 60_000;

/** A key works until it is revoked or its creator is no longer an active admin (with `users` left-joined on the creator). */
const keyStillWorks = and(
  isNull(apiKeys.revokedAt),
  // Keys made by the system (seeding, no user) have no creator row.
  or(isNull(users.id), and(eq(users.role, "admin"), eq(users.status, "active"))),
);
export const API_KEY_PATTERN = /^(sk|pk)_[A-Za-z0-9_-]{20,100}$/;

export async function createApiKey(
  db: Database,
  input: { name: string; type: ApiKeyType; scopes: string[] },
  meta: RequestMeta,
) {
  if (input.type === "publishable" && input.scopes.length > 0) {
    throw badRequest("Publishable keys only read the storefront and take no scopes.", [
      { path: "scopes", message: "Must be empty for a publishable key" },
    ]);
  }
  const secret = `${input.type === "secret" ? "sk" : "pk"}_${randomToken(32)}`;
  const row = {
    id: newId("key"),
    name: input.name,
    type: input.type,
    prefix: secret.slice(0, 10),
    keyHash: await sha256Hex(secret),
    scopes: [...new Set(input.scopes)].sort(),
    createdBy: meta.actor?.id ?? "system",
    createdAt: nowIso(),
    lastUsedAt: null,
    revokedAt: null,
  };
  const response = toApiKeyResponse(row);
  await db.batch([
    db.insert(apiKeys).values(row),
    auditInsert(db, meta, { action: "api_key.created", entityType: "api_key", entityId: row.id, after: response }),
  ]);
  return { ...response, secret };
}

export async function listApiKeys(
  db: Database,
  filter: { limit: number; cursor?: string | undefined; includeRevoked: boolean },
) {
  const where: SQL[] = [];
  if (!filter.includeRevoked) where.push(isNull(apiKeys.revokedAt));
  if (filter.cursor) where.push(lt(apiKeys.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(...where))
    .orderBy(desc(apiKeys.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toApiKeyResponse);
}

export async function revokeApiKey(db: Database, id: string, meta: RequestMeta) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!row) throw notFound("API key");
  if (row.revokedAt !== null) return toApiKeyResponse(row);
  const revoked = { ...row, revokedAt: nowIso() };
  // Guarded, so that of two concurrent revocations only one writes its time and audit row.
  const stillActive = and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt));
  const [, updated] = await db.batch([
    auditInsert(
      db,
      meta,
      {
        action: "api_key.revoked",
        entityType: "api_key",
        entityId: id,
        before: toApiKeyResponse(row),
        after: toApiKeyResponse(revoked),
      },
      sql`EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${stillActive})`,
    ),
    db.update(apiKeys).set({ revokedAt: revoked.revokedAt }).where(stillActive).returning({ id: apiKeys.id }),
  ]);
  if (updated.length === 0) return revokeApiKey(db, id, meta); // lost the race: answer the winner's revocation
  return toApiKeyResponse(revoked);
}

/**
 * The key behind a presented secret, or null if unknown or revoked, or if the admin
 * who created it is deactivated or no longer an admin: a key never outlives its
 * creator's authority (it works again if that admin is reinstated). Returns the
 * `last_used_at` write as a promise for the caller to hand to `waitUntil`.
 */
export async function authenticateApiKey(
  db: Database,
  presented: string,
): Promise<{ actor: ApiKeyActor; touch: Promise<unknown> | null } | null> {
  if (!API_KEY_PATTERN.test(presented)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, type: apiKeys.type, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.keyHash, await sha256Hex(presented)), keyStillWorks))
    .limit(1);
  if (!row) return null;
  const stale = row.lastUsedAt === null || Date.now() - Date.parse(row.lastUsedAt) > TOUCH_INTERVAL_MS;
  const touch = stale ? db.update(apiKeys).set({ lastUsedAt: nowIso() }).where(eq(apiKeys.id, row.id)).run() : null;
  return { actor: { kind: "api_key", id: row.id, type: row.type, scopes: row.scopes }, touch };
}

/** Of these key ids, the keys that still work (what a holder of a long-lived connection re-checks). */
export async function workingApiKeyIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(inList(apiKeys.id, ids), keyStillWorks));
  return new Set(rows.map((r) => r.id));
}
