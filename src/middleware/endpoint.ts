import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The route that will answer this request, as `METHOD /path/:param`, or null when
 * nothing matches. Hono matches every handler before the chain runs, so a global
 * middleware can already see which endpoint it guards. When two routes match one URL
 * the first registered answers, so the first non-middleware match is the endpoint
 * (a route's own validators are registered under its method and path, so they name
 * the same endpoint).
 */
export function endpointOf(c: Context): string | null {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  return route ? `${route.method} ${route.path}` : null;
}
