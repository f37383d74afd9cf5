import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { unauthenticated } from "../../lib/errors";
import { authenticateApiKey } from "../api-keys";
import { resolveAccessToken } from "./sessions";

/**
 * Reads `Authorization: Bearer <jwt | sk_… | pk_…>` or `X-API-Key` (or, for WebSocket
 * upgrades only, `?access_token=`) and sets the actor.
 * No credentials means an anonymous caller (the permission table decides); presented
 * credentials that do not check out are always a 401, even on public endpoints.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const authorization = c.req.header("authorization");
  const apiKeyHeader = c.req.header("x-api-key");
  let credential: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw unauthenticated("The Authorization header must be `Bearer <token>`.");
    credential = match[1];
  } else if (apiKeyHeader !== undefined) {
    credential = apiKeyHeader.trim();
    if (!/^(sk|pk)_/.test(credential)) throw unauthenticated("X-API-Key takes an API key (sk_… or pk_…).");
  } else if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
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
  } else {
    const user = await resolveAccessToken(db, c.env, credential);
    if (!user) throw unauthenticated("The access token is invalid, expired or revoked.");
    c.set("actor", user);
  }
  await next();
});
