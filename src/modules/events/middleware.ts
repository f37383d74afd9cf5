import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { flushOutbox } from "./publisher";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Publishes the events a successful mutating request committed, after the response
 * is on its way (`waitUntil`), so modules only put `eventInsert` in their batch.
 * If the worker dies first, the every-minute outbox sweep sends them.
 */
export const publishOutboxAfterCommit = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (MUTATING.has(c.req.method) && c.res.status < 400) {
    c.executionCtx.waitUntil(flushOutbox(c.get("db"), c.env.EVENTS));
  }
});
