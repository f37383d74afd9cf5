import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { forbidden, internalError, unauthenticated } from "../lib/errors";
import { endpointOf } from "./endpoint";
import { isAllowed, PERMISSIONS } from "./permissions";

/** Decides every `/v1` request from the permission table; an endpoint missing from it is refused. */
export const authorize = createMiddleware<AppEnv>(async (c, next) => {
  const endpoint = endpointOf(c);
  if (endpoint === null) return next(); // unknown route: the 404 handler answers
  const rule = PERMISSIONS[endpoint];
  if (rule === undefined) {
    throw internalError("This endpoint has no permission rule.");
  }
  const actor = c.get("actor");
  if (!isAllowed(rule, actor)) {
    throw actor === null ? unauthenticated() : forbidden();
  }
  await next();
});
