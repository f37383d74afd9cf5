import { and, eq, lt } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import type { Database } from "../db/client";
import { deleteInChunks } from "../db/retention";
import { idempotencyKeys } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { badRequest, conflict, idempotencyConflict } from "../lib/errors";
import { derivedId, type IdPrefix, newId } from "../lib/ids";
import { isoInSeconds, nowIso } from "../lib/time";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const KEEP_SECONDS = 24 * 60 * 60;
const WAIT_FOR_TWIN_MS = 15_000;
/**
 * A key still `in_progress` this long after it was claimed belonged to a request that
 * died (a crashed isolate never stores its answer). The next request takes it over;
 * the work it repeats is idempotent by ids derived from the key (`keyedId`), so even a
 * slow first run that is still alive cannot do anything twice. Well under the shortest
 * hold (1 minute), so a crashed pay can be retried while its holds still stand.
 */
const ABANDONED_AFTER_MS = 20_000;
const POLL_MS = 50;

type Row = typeof idempotencyKeys.$inferSelect;

function replay(row: Row): Response {
  return new Response(row.responseBody, {
    status: row.responseStatus ?? 200,
    headers: { "content-type": row.responseType ?? "application/json", "Idempotent-Replayed": "true" },
  });
}

async function claim(db: Database, actorKey: string, key: string, requestHash: string): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({
      actorKey,
      key,
      requestHash,
      state: "in_progress",
      createdAt: nowIso(),
      expiresAt: isoInSeconds(KEEP_SECONDS),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}

const find = async (db: Database, actorKey: string, key: string) =>
  (
    await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actorKey, actorKey), eq(idempotencyKeys.key, key)))
  )[0];

/**
 * `Idempotency-Key` for POSTs with money or stock effects. The first request with a key
 * claims it and runs; its response (2xx or 4xx) is stored and replayed for repeats with
 * the same body; a different body is 409 IDEMPOTENCY_CONFLICT; a twin arriving while the
 * first still runs waits for it and gets the same answer, so concurrent retries do the
 * work once. A 5xx releases the key, so a retry runs again.
 */
export function idempotent(options: { required: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) {
      if (options.required) {
        throw badRequest("This request needs an Idempotency-Key header.", [
          { path: "Idempotency-Key", message: "Required" },
        ]);
      }
      return next();
    }
    if (!KEY_PATTERN.test(key)) {
      throw badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.", [
        { path: "Idempotency-Key", message: "Invalid" },
      ]);
    }
    const db = c.get("db");
    const actorKey = c.get("actor")?.id ?? "anonymous";
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${canonicalBody(await c.req.text())}`);

    if (!(await claim(db, actorKey, key, requestHash))) {
      const answer = await awaitTwin(db, actorKey, key, requestHash);
      if (answer) return answer;
      if (!(await claim(db, actorKey, key, requestHash))) {
        throw conflict("A request with this Idempotency-Key is still being processed; retry shortly.");
      }
    }
    await next();
    await remember(c, db, actorKey, key);
  });
}

/** The body as compared between repeats: JSON with its object keys sorted, so key order does not matter. */
export function canonicalBody(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Waits for the first request with this key and returns its stored answer, or null if the key was freed. */
async function awaitTwin(db: Database, actorKey: string, key: string, requestHash: string): Promise<Response | null> {
  const deadline = Date.now() + WAIT_FOR_TWIN_MS;
  for (;;) {
    const row = await find(db, actorKey, key);
    if (!row || row.expiresAt <= nowIso()) {
      if (row)
        await db
          .delete(idempotencyKeys)
          .where(and(eq(idempotencyKeys.actorKey, actorKey), eq(idempotencyKeys.key, key)));
      return null;
    }
    if (row.requestHash !== requestHash) {
      throw idempotencyConflict("This Idempotency-Key was used with a different request.");
    }
    if (row.state === "done") return replay(row);
    if (Date.now() - Date.parse(row.createdAt) > ABANDONED_AFTER_MS) {
      await db
        .delete(idempotencyKeys)
        .where(
          and(
            eq(idempotencyKeys.actorKey, actorKey),
            eq(idempotencyKeys.key, key),
            eq(idempotencyKeys.state, "in_progress"),
            eq(idempotencyKeys.createdAt, row.createdAt),
          ),
        );
      return null;
    }
    if (Date.now() > deadline) {
      throw conflict("A request with this Idempotency-Key is still being processed; retry shortly.");
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function remember(c: Context<AppEnv>, db: Database, actorKey: string, key: string): Promise<void> {
  const where = and(eq(idempotencyKeys.actorKey, actorKey), eq(idempotencyKeys.key, key));
  if (c.res.status >= 500) {
    await db.delete(idempotencyKeys).where(where);
    return;
  }
  const body = await c.res.clone().text();
  await db
    .update(idempotencyKeys)
    .set({
      state: "done",
      responseStatus: c.res.status,
      responseBody: body,
      responseType: c.res.headers.get("content-type"),
    })
    .where(where);
}

/**
 * The id of what a keyed request creates (order, payment, refund), derived from the
 * caller, the request path and the Idempotency-Key: a retry after a crash between the
 * commit and the stored response names the same resource, finds it committed and
 * answers with it, instead of creating a second one. Without a key, a fresh id.
 */
export function keyedId(c: Context<AppEnv>, prefix: IdPrefix): Promise<string> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return Promise.resolve(newId(prefix));
  return derivedId(prefix, c.get("actor")?.id ?? "anonymous", `${c.req.method} ${c.req.path}`, key);
}

/** Hourly: forget keys past their 24 hours (their stored responses can be large). */
export async function pruneIdempotencyKeys(db: Database, now = Date.now()): Promise<number> {
  return deleteInChunks(db, idempotencyKeys, lt(idempotencyKeys.expiresAt, new Date(now).toISOString()));
}
