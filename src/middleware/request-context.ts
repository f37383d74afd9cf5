import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { createDb } from "../db/client";
import { randomToken } from "../lib/crypto";
import { log } from "../lib/log";
import { endpointOf } from "./endpoint";

export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane), a D1
 * client, and one JSON log line when it ends.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : `req_${randomToken(12)}`;
  c.set("requestId", requestId);
  c.set("db", createDb(c.env.DB));
  c.set("actor", null);
  await next();
  c.header("X-Request-Id", requestId);
  if (c.env.REQUEST_LOG !== "off") {
    const actor = c.get("actor");
    log.info("request", {
      method: c.req.method,
      route: endpointOf(c)?.split(" ")[1] ?? c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      request_id: requestId,
      actor: actor ? actor.id : null,
    });
  }
});
