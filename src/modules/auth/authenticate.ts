import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { unauthenticated } from "../../lib/errors";
import { checkWithFirstQuery } from "../../middleware/d1-session";
import { claimsKey } from "../../middleware/idempotency";
import { authenticateApiKey } from "../api-keys";
import { sessionActor, sessionStillOpen } from "./sessions";
import { verifyAccessToken } from "./tokens";

const REVOKED = "The access token is invalid, expired or revoked.";
const READS = new Set(["GET", "HEAD"]);

/**
 * Reads `Authorization: Bearer <jwt | sk_… | pk_…>` or `X-API-Key` (or, for WebSocket
 * upgrades only, `?access_token=`) and sets the actor.
 * No credentials means an anonymous caller (the permission table decides); presented
 * credentials that do not check out are always a 401, even on public endpoints.
 *
 * An access token's session is checked against D1 on every request. For a read (GET,
 * HEAD) the check rides with the request's first D1 query, one round trip for both: the
 * actor comes from the verified token until then, the check also requires the token's
 * role to still be the user's, and no result reaches the handler before it has passed.
 * A write that claims an Idempotency-Key has the check as the guard of its claim's batch
 * (src/middleware/idempotency.ts), with the same rules: a failed check claims nothing,
 * runs nothing and is a 401. Other writes (and WebSocket upgrades, whose socket
 * outlives the request) check first.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const authorization = c.req.header("authorization");
  const apiKeyHeader = c.req.header("x-api-key");
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  let credential: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw unauthenticated("The Authorization header must be `Bearer <token>`.");
    credential = match[1];
  } else if (apiKeyHeader !== undefined) {
    credential = apiKeyHeader.trim();
    if (!/^(sk|pk)_/.test(credential)) throw unauthenticated("X-API-Key takes an API key (sk_… or pk_…).");
  } else if (upgrade) {
    // Browsers cannot set headers on a WebSocket, so upgrades may carry the token in the query.
    credential = c.req.query("access_token");
  }
  if (credential === undefined || credential === "") return next();

  const db = c.get("db");
  if (credential.startsWith("sk_") || credential.startsWith("pk_")) {
    const key = await authenticateApiKey(db, credential);
    if (!key) throw unauthenticated("The API key is not valid or has been revoked.");
    if (key.touch) c.executionCtx.waitUntil(key.touch);
    c.set("actor", key.actor);
    return next();
  }
  const claims = await verifyAccessToken(c.env, credential);
  if (!claims) throw unauthenticated(REVOKED);
  const tokenActor = { kind: "user", id: claims.sub, role: claims.role, sessionId: claims.sid } as const;
  if (!READS.has(c.req.method) && !upgrade && claimsKey(c)) {
    c.set("actor", tokenActor);
    c.set("sessionGuard", { condition: sessionStillOpen(db, claims), failure: unauthenticated(REVOKED) });
    return next();
  }
  if (!READS.has(c.req.method) || upgrade) {
    const user = await sessionActor(db, claims);
    if (!user) throw unauthenticated(REVOKED);
    c.set("actor", user);
    return next();
  }
  c.set("actor", tokenActor);
  const verified = checkWithFirstQuery(c, async () => {
    const user = await sessionActor(db, claims);
    if (!user || user.role !== claims.role) throw unauthenticated(REVOKED);
  });
  await next();
  await verified();
});
