import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { CheckedSession } from "../db/checked-session";
import { createSessionDb } from "../db/client";
import { badRequest } from "../lib/errors";

/** The header a client sends back to read its own writes, and every `/v1` answer carries. */
export const D1_BOOKMARK_HEADER = "X-D1-Bookmark";
// D1 bookmarks are four dash-separated hex fields (8-8-8-32).
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const READS = new Set(["GET", "HEAD"]);

/**
 * Where the request's D1 session (read replication) starts:
 * - a read with the caller's bookmark: any replica that has caught up with it, so a
 *   client that just wrote reads its write (read-your-writes across requests);
 * - any other read: the nearest replica (`first-unconstrained`);
 * - anything that may write: the primary (`first-primary`), so the decisions it takes
 *   before writing are made on the latest state. The primary is never behind a bookmark.
 */
function sessionStart(c: Context<AppEnv>, bookmark: string | undefined): D1SessionConstraint | D1SessionBookmark {
  if (!READS.has(c.req.method)) return "first-primary";
  return bookmark ?? "first-unconstrained";
}

/**
 * Runs every `/v1` request's D1 queries in one D1 session (`withSession`): inside it,
 * queries are sequentially consistent, so a read after the request's own write sees it
 * (on the primary or a replica that has it). The answer carries the session's bookmark
 * in `X-D1-Bookmark`; a request that made no query hands the caller's back unchanged.
 */
export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  const bookmark = c.req.header(D1_BOOKMARK_HEADER);
  if (bookmark !== undefined && !BOOKMARK.test(bookmark)) {
    throw badRequest(`${D1_BOOKMARK_HEADER} must be a bookmark from an earlier answer.`, [
      { path: D1_BOOKMARK_HEADER, message: "Invalid" },
    ]);
  }
  const session = c.env.DB.withSession(sessionStart(c, bookmark));
  c.set("d1Session", session);
  c.set("db", createSessionDb(c.env.DB, session));
  await next();
  const latest = session.getBookmark() ?? bookmark;
  if (latest) c.header(D1_BOOKMARK_HEADER, latest);
});

/**
 * Makes `check` part of the request's first D1 query (one round trip for both) and keeps
 * every D1 result from the handler until it has passed. Returns the check's outcome:
 * await it after the handler, so it runs even when the request made no D1 query and
 * fails the request even when the handler caught the error.
 */
export function checkWithFirstQuery(c: Context<AppEnv>, check: () => Promise<void>): () => Promise<void> {
  const checked = new CheckedSession(c.get("d1Session"), check);
  c.set("db", createSessionDb(c.env.DB, checked.client()));
  return () => checked.verified();
}
