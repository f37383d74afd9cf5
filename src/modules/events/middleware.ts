import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { afterResponse } from "../../lib/server-timing";
import { publishWritten } from "./publisher";
import { collectWrittenEvents } from "./written";

/**
 * Publishes the events a successful request committed, after the response is on its
 * way (`waitUntil`), so modules only put `eventInsert` in their batch. Only the ids
 * this request wrote are published: a request that wrote none costs nothing, and no
 * request scans the outbox. If the worker dies first, the every-minute sweep sends them.
 */
export const publishOutboxAfterCommit = createMiddleware<AppEnv>(async (c, next) => {
  const written = new Set<string>();
  await collectWrittenEvents(written, next);
  if (written.size > 0 && c.res.status < 400) {
    afterResponse(c.executionCtx, () => publishWritten(c.get("db"), c.env.EVENTS, [...written]));
  }
});
