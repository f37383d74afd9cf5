import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { tooManyRequests } from "../lib/errors";
import { clientIp } from "./actor";

// Both bindings count over a 60 s window (wrangler.toml), so that is the honest wait.
const WINDOW_SECONDS = 60;

export async function enforceRateLimit(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) throw tooManyRequests(WINDOW_SECONDS);
}

/** The general API limit, per API key or user, else per client IP. */
export const apiRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get("actor");
  await enforceRateLimit(c.env.RATE_LIMIT_API, actor ? actor.id : `ip:${clientIp(c) ?? "unknown"}`);
  await next();
});
