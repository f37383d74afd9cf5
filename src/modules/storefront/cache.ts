/*
 * Storefront HTTP caching, two layers:
 * - Browsers and CDNs get `Cache-Control: public, max-age=30, stale-while-revalidate=300`
 *   and a strong ETag over the body, so repeat visits revalidate into a 304.
 * - The worker keeps built answers in the Workers Cache API (`caches.default`).
 *
 * Freshness comes from versioning the cache key, not from purging. Every write that
 * changes what the storefront shows bumps `catalog_state.generation` in its own D1
 * batch, and every cache key carries the generation. Purging would not do: the Cache
 * API is per data centre, so `cache.delete()` clears one location while the others
 * keep serving the old answer until it expires. A generation read is one primary-key
 * lookup in D1, and once it moves every location misses at once and rebuilds. Old
 * entries are never read again and age out.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { readStorefrontGeneration } from "../../db/storefront-generation";
import { sha256Hex } from "../../lib/crypto";
import { edgeCache } from "../../lib/server-timing";
import { etagMatches } from "../images";

export const STORE_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=300";
// How long the worker keeps a built answer; the generation makes it stale sooner.
const EDGE_TTL_SECONDS = 300;

export type CacheStatus = "hit" | "miss";

/**
 * Answers a storefront GET from the cache or by running `build`. `name` and `params`
 * identify the answer (use validated, normalised parameters, so junk query strings
 * cannot multiply entries). Errors from `build` are thrown, never cached.
 */
export async function cachedStoreJson(
  c: Context<AppEnv>,
  name: string,
  params: Record<string, unknown>,
  build: () => Promise<unknown>,
): Promise<Response> {
  const generation = await readStorefrontGeneration(c.get("db"));
  const origin = new URL(c.req.url).origin;
  const canonical = JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const key = new Request(`${origin}/__storefront-cache/${generation}/${name}?p=${encodeURIComponent(canonical)}`);

  const cache = edgeCache();
  const hit = await cache.match(key);
  // A hit is answered from its stored ETag: a 304 never reads the body, a 200 streams it.
  if (hit) return storeAnswer(c, hit.body, hit.headers.get("ETag") ?? "", "hit");

  const body = JSON.stringify(await build());
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  // Awaited rather than left to waitUntil: it is one local write, and the next
  // request then reliably finds it.
  await cache.put(
    key,
    new Response(body, {
      headers: {
        "Content-Type": "application/json",
        ETag: etag,
        "Cache-Control": `public, max-age=${EDGE_TTL_SECONDS}`,
      },
    }),
  );
  return storeAnswer(c, body, etag, "miss");
}

function storeAnswer(c: Context<AppEnv>, body: ReadableStream | string | null, etag: string, status: CacheStatus) {
  const headers = { ETag: etag, "Cache-Control": STORE_CACHE_CONTROL, "X-Storefront-Cache": status };
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
    if (body instanceof ReadableStream) void body.cancel();
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers: { ...headers, "Content-Type": "application/json" } });
}
