/*
 * Storefront HTTP caching, two layers:
 * - Browsers and CDNs get `Cache-Control: public, max-age=30, stale-while-revalidate=300`
 *   and a strong ETag over the body, so repeat visits revalidate into a 304.
 * - The worker keeps built answers in the Workers Cache API (`caches.default`).
 *
 * A hit reads no D1: each answer is stored with the stamps of the scopes it depends on
 * (src/lib/storefront-stamps.ts) and served only while they are unchanged; a write moves
 * the stamps of what it changed once it has committed. One product's change moves its
 * own page's stamp and the catalog's (lists), never another product's page.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { createSessionDb, type Database } from "../../db/client";
import { sha256Hex } from "../../lib/crypto";
import { edgeCache } from "../../lib/server-timing";
import { readStamps, STOREFRONT_CACHE_ORIGIN, type StorefrontScope } from "../../lib/storefront-stamps";
import { etagMatches } from "../images";

export const STORE_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=300";
// How long the worker keeps a built answer. Stamps make it stale at once where the write
// ran; in another data centre (whose stamps the write did not move) this bounds how long
// an answer can lag, and it is the max-age browsers are already told.
const EDGE_TTL_SECONDS = 30;
const STAMPS_HEADER = "X-Storefront-Stamps";

export type CacheStatus = "hit" | "miss";

interface Cached {
  body: ReadableStream | string | null;
  etag: string;
  status: CacheStatus;
}

/**
 * A storefront value from the cache, or built by `build` and cached. `name` and `params`
 * identify it (use validated, normalised parameters, so junk query strings cannot
 * multiply entries); `scopes` are what it depends on. The stamps are read together with
 * the entry, before `build` reads D1, so a write that commits after the read moves them
 * and the entry is never served. `build` reads the primary: an entry outlives the
 * request, so it must not be built from a replica that lags the write that moved the stamps.
 * Errors from `build` are thrown, never cached.
 */
async function cachedValue(
  c: Context<AppEnv>,
  name: string,
  params: Record<string, unknown>,
  scopes: readonly StorefrontScope[],
  build: (db: Database) => Promise<unknown>,
): Promise<Cached> {
  const canonical = JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  // Answers hold absolute URLs (images), so the host that asked is part of the key.
  const origin = encodeURIComponent(new URL(c.req.url).origin);
  const key = new Request(`${STOREFRONT_CACHE_ORIGIN}/${name}?o=${origin}&p=${encodeURIComponent(canonical)}`);
  const cache = edgeCache();
  const [entry, stamps] = await Promise.all([cache.match(key), readStamps(scopes)]);
  const current = stamps.join(" ");
  // A hit is answered from its stored ETag: a 304 never reads the body, a 200 streams it.
  if (entry && entry.headers.get(STAMPS_HEADER) === current) {
    return { body: entry.body, etag: entry.headers.get("ETag") ?? "", status: "hit" };
  }
  if (entry) void entry.body?.cancel();

  const primary = createSessionDb(c.env.DB, c.env.DB.withSession("first-primary"));
  const body = JSON.stringify(await build(primary));
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  // Awaited rather than left to waitUntil: it is one local write, and the next
  // request then reliably finds it.
  await cache.put(
    key,
    new Response(body, {
      headers: {
        "Content-Type": "application/json",
        ETag: etag,
        [STAMPS_HEADER]: current,
        "Cache-Control": `public, max-age=${EDGE_TTL_SECONDS}`,
      },
    }),
  );
  return { body, etag, status: "miss" };
}

/** Answers a storefront GET from the cache or by running `build` (see cachedValue). */
export async function cachedStoreJson(
  c: Context<AppEnv>,
  name: string,
  params: Record<string, unknown>,
  scopes: readonly StorefrontScope[],
  build: (db: Database) => Promise<unknown>,
): Promise<Response> {
  return storeAnswer(c, await cachedValue(c, name, params, scopes, build));
}

/** A cached value read as JSON (for lookups a route needs before its answer, e.g. slug → id). */
export async function cachedLookup<T>(
  c: Context<AppEnv>,
  name: string,
  params: Record<string, unknown>,
  scopes: readonly StorefrontScope[],
  build: (db: Database) => Promise<T>,
): Promise<T> {
  const { body } = await cachedValue(c, name, params, scopes, build);
  const text = typeof body === "string" ? body : await new Response(body).text();
  return JSON.parse(text) as T;
}

function storeAnswer(c: Context<AppEnv>, { body, etag, status }: Cached) {
  const headers = { ETag: etag, "Cache-Control": STORE_CACHE_CONTROL, "X-Storefront-Cache": status };
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
    if (body instanceof ReadableStream) void body.cancel();
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers: { ...headers, "Content-Type": "application/json" } });
}
