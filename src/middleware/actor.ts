import type { Context } from "hono";
import type { Actor, AppEnv, UserActor } from "../context";
import { forbidden, unauthenticated } from "../lib/errors";
import type { RequestMeta } from "../modules/audit";

export function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { actor: c.get("actor"), requestId: c.get("requestId"), ip: clientIp(c) };
}

/** The authenticated caller; the permission table has already ruled out anonymous ones. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get("actor");
  if (!actor) throw unauthenticated();
  return actor;
}

/** The signed-in user, for endpoints that only make sense for a person (sessions, profile). */
export function userOf(c: Context<AppEnv>): UserActor {
  const actor = actorOf(c);
  if (actor.kind !== "user") throw forbidden("This endpoint needs a signed-in user, not an API key.");
  return actor;
}
