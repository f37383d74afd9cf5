import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route that will answer this request, as `METHOD /path/:param`, or null when
 * nothing matches. Hono matches every handler before the chain runs, so a global
 * middleware can already see which endpoint it guards.
 */
export function endpointOf(c: Context): string | null {
  const route = matchedRoutes(c).findLast((r) => r.method !== "ALL");
  return route ? `${route.method} ${route.path}` : null;
}
