import type { Context } from "hono";
import type { AppEnv } from "../context";

/** Scheme and host the caller used, for absolute image URLs in responses. */
export function originOf(c: Context<AppEnv>): string {
  return new URL(c.req.url).origin;
}
