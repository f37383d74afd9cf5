import { and, eq, lt } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../context";
import { guard, isGuardFailure, runBatch, type Statement } from "../db/batch";
import type { Database } from "../db/client";
import { deleteInChunks } from "../db/retention";
import { idempotencyKeys } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { badRequest, conflict, idempotencyConflict } from "../lib/errors";
import { derivedId, type IdPrefix, newId } from "../lib/ids";
import { log } from "../lib/log";
import { afterResponse } from "../lib/server-timing";
import { isoInSeconds, nowIso } from "../lib/time";
import { type ClaimReads, parsedJson, type Query } from "./claim-reads";

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

const keyRow = (actorKey: string, key: string) =>
  and(eq(idempotencyKeys.actorKey, actorKey), eq(idempotencyKeys.key, key));

function replay(row: Row): Response {
  return new Response(row.responseBody, {
    status: row.responseStatus ?? 200,
    headers: { "content-type": row.responseType ?? "application/json", "Idempotent-Replayed": "true" },
  });
}

interface ClaimedKey {
  actorKey: string;
  key: string;
  /** The answer went into the batch of the request's change (`answerStatements`). */
  answered: boolean;
}
const claimed = new WeakMap<Context<AppEnv>, ClaimedKey>();

/**
 * Claims the key (true) or finds it taken (false), in one batch that first runs the
 * session check authentication left to it (a revoked session claims nothing and is a
 * 401) and then the route's reads.
 */
async function claim(
  c: Context<AppEnv>,
  claimant: { actorKey: string; key: string; requestHash: string; body: unknown },
  reads: ClaimReads<readonly Query[]> | undefined,
): Promise<boolean> {
  const db = c.get("db");
  const session = c.get("sessionGuard");
  const insert = db
    .insert(idempotencyKeys)
    .values({
      actorKey: claimant.actorKey,
      key: claimant.key,
      requestHash: claimant.requestHash,
      state: "in_progress",
      createdAt: nowIso(),
      expiresAt: isoInSeconds(KEEP_SECONDS),
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  const checks = session ? [guard(db, session.condition)] : [];
  let results: unknown[];
  try {
    results = await runBatch(db, [...checks, insert, ...(reads?.queries(c, claimant.body) ?? [])]);
  } catch (err) {
    if (session && isGuardFailure(err)) throw session.failure;
    throw err;
  }
  const [inserted, ...read] = results.slice(checks.length) as [unknown[], ...unknown[]];
  if (inserted.length === 0) return false;
  reads?.keep(c, read);
  return true;
}

const find = async (db: Database, actorKey: string, key: string) =>
  (await db.select().from(idempotencyKeys).where(keyRow(actorKey, key)))[0];

const claiming = new WeakSet<MiddlewareHandler>();

/**
 * `Idempotency-Key` for POSTs with money or stock effects. The first request with a key
 * claims it and runs; its response (2xx or 4xx) is stored and replayed for repeats with
 * the same body; a different body is 409 IDEMPOTENCY_CONFLICT; a twin arriving while the
 * first still runs waits for it and gets the same answer, so concurrent retries do the
 * work once. A 5xx releases the key, so a retry runs again.
 *
 * A keyed write's session is checked by its claim (`claimsKey`), so this goes first in
 * a route's middleware: nothing with an effect may run before it.
 *
 * - `reads`: queries the route needs before its effect, run in the claim's batch.
 * - `storeAnswer: "after-response"`: for a change made outside D1 (a stock object), the
 *   answer is stored after the response is sent, not on the request's path. A twin
 *   meanwhile waits as before; if the worker dies first, the key is taken over once
 *   abandoned and the retry repeats an effect that is idempotent by its keyed ids.
 */
export function idempotent(options: {
  required: boolean;
  reads?: ClaimReads<readonly Query[]>;
  storeAnswer?: "after-response";
}) {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const key = checkedKey(c, options.required);
    if (key === undefined) return next();
    const db = c.get("db");
    const actorKey = c.get("actor")?.id ?? "anonymous";
    const text = await c.req.text();
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${canonicalBody(text)}`);
    const claimant = { actorKey, key, requestHash, body: parsedJson(text) };

    if (!(await claim(c, claimant, options.reads))) {
      const answer = await awaitTwin(db, actorKey, key, requestHash);
      if (answer) return answer;
      if (!(await claim(c, claimant, options.reads))) {
        throw conflict("A request with this Idempotency-Key is still being processed; retry shortly.");
      }
    }
    const state: ClaimedKey = { actorKey, key, answered: false };
    claimed.set(c, state);
    await next();
    if (state.answered) return;
    if (options.storeAnswer === "after-response") {
      const response = c.res.clone();
      afterResponse(c.executionCtx, () =>
        remember(db, state, response).catch((error: unknown) => {
          // The key is taken over once abandoned; the retry repeats only idempotent work.
          log.warn("storing an idempotent answer failed", { error });
        }),
      );
      return;
    }
    await remember(db, state, c.res);
  });
  claiming.add(middleware);
  return middleware;
}

/** The request's Idempotency-Key, refused with 400 when malformed (or missing and required). */
function checkedKey(c: Context<AppEnv>, required: boolean): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) {
    if (required) {
      throw badRequest("This request needs an Idempotency-Key header.", [
        { path: "Idempotency-Key", message: "Required" },
      ]);
    }
    return undefined;
  }
  if (!KEY_PATTERN.test(key)) {
    throw badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.", [
      { path: "Idempotency-Key", message: "Invalid" },
    ]);
  }
  return key;
}

/**
 * For a route that makes its effect idempotent by itself (`keyedId`) rather than by a
 * stored answer: refuses a malformed key before anything else runs, as `idempotent` does.
 */
export const wellFormedKey = createMiddleware<AppEnv>(async (c, next) => {
  checkedKey(c, false);
  await next();
});

/**
 * Whether this request will claim its Idempotency-Key: its endpoint has `idempotent` and
 * the key is well formed. Authentication then leaves a write's session check to the
 * claim (`sessionGuard`) instead of a round trip before it. Hono matches every handler
 * before the chain runs, so a global middleware already sees the route's own.
 */
export function claimsKey(c: Context<AppEnv>): boolean {
  const key = c.req.header("idempotency-key");
  if (key === undefined || !KEY_PATTERN.test(key)) return false;
  const routes = matchedRoutes(c);
  const endpoint = routes.find((r) => r.method !== "ALL");
  return (
    endpoint !== undefined &&
    routes.some((r) => r.method === endpoint.method && r.path === endpoint.path && claiming.has(r.handler))
  );
}

/**
 * For a handler whose change is one D1 batch and whose answer is known before it runs:
 * the statement that stores the answer, to put in that batch, so it commits with the
 * change and no round trip stores it after. Call `answeredInBatch` once the batch has
 * committed, and answer with exactly this status and body (JSON). None without a key.
 */
export function answerStatements(c: Context<AppEnv>, status: number, body: unknown): Statement[] {
  const state = claimed.get(c);
  if (!state) return [];
  return [storeStatement(c.get("db"), state, { status, body: JSON.stringify(body), type: "application/json" })];
}

/** The batch holding `answerStatements` committed: the middleware has nothing left to store. */
export function answeredInBatch(c: Context<AppEnv>): void {
  const state = claimed.get(c);
  if (state) state.answered = true;
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
      if (row) await db.delete(idempotencyKeys).where(keyRow(actorKey, key));
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
            keyRow(actorKey, key),
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

function storeStatement(
  db: Database,
  state: ClaimedKey,
  answer: { status: number; body: string; type: string | null },
) {
  return db
    .update(idempotencyKeys)
    .set({ state: "done", responseStatus: answer.status, responseBody: answer.body, responseType: answer.type })
    .where(keyRow(state.actorKey, state.key));
}

async function remember(db: Database, state: ClaimedKey, res: Response): Promise<void> {
  if (res.status >= 500) {
    await db.delete(idempotencyKeys).where(keyRow(state.actorKey, state.key));
    return;
  }
  const body = await res.clone().text();
  await storeStatement(db, state, { status: res.status, body, type: res.headers.get("content-type") });
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
