/*
 * Freshness of the storefront's cached answers without reading D1 on a hit.
 *
 * Every cached answer depends on a few scopes: `product/<id>` (one product's page),
 * `products` (every product page at once, for changes that touch many products),
 * `catalog` (lists, the category tree, slug lookups) and `settings` (the store's public
 * settings). Each scope has a stamp: a random
 * token kept in the Cache API next to the answers. An answer is stored with the stamps
 * it was built under (read before its D1 read) and served only while they are unchanged.
 * A write, once its D1 batch has committed, puts new tokens for the scopes it changed,
 * so the next request misses and rebuilds; scopes it did not touch keep their answers.
 *
 * Tokens are random, so two writers racing each other both invalidate (whichever put
 * lands last, it differs from what was there). A missing stamp counts as a token of its
 * own ("none"): stamps live longer than answers, so a stamp that has gone means no write
 * has happened since any live answer was built. The Cache API is per data centre: the
 * stamps move where the write ran (with Smart Placement, where the API runs); elsewhere
 * an answer lives at most its edge TTL (docs/performance.md, "Storefront cache").
 */
import { randomToken } from "./crypto";
import { edgeCache } from "./server-timing";

export type StorefrontScope = "catalog" | "products" | `product/${string}` | "settings";

/** The origin of the storefront's cache keys: fixed, so writers outside a request (the stock object) build the same keys. */
export const STOREFRONT_CACHE_ORIGIN = "https://storefront-cache.stockroom.internal";
// Longer than any answer lives (cache.ts), so a missing stamp means "unchanged since built".
const STAMP_TTL_SECONDS = 60 * 60;
const NONE = "none";

const stampKey = (scope: StorefrontScope) => new Request(`${STOREFRONT_CACHE_ORIGIN}/stamp/${scope}`);

/** The current tokens of `scopes`, in order ("none" for a missing one). */
export async function readStamps(scopes: readonly StorefrontScope[]): Promise<string[]> {
  const cache = edgeCache();
  return Promise.all(
    scopes.map(async (scope) => {
      const stamp = await cache.match(stampKey(scope));
      return stamp ? await stamp.text() : NONE;
    }),
  );
}

/**
 * Call after the D1 batch of a change has committed: answers built before it stop being
 * served. `productIds` are the products whose pages changed; `allProducts` is for a change
 * that touches product pages it cannot list (moving a category's products). Lists and the
 * category tree (`catalog`) always move.
 */
export async function storefrontChanged(change: { productIds?: readonly string[]; allProducts?: boolean }) {
  const scopes: StorefrontScope[] = ["catalog", ...(change.productIds ?? []).map((id) => `product/${id}` as const)];
  if (change.allProducts) scopes.push("products");
  await moveStamps(scopes);
}

/** Call after the store settings have been saved: the storefront's copy of them is rebuilt. */
export function storeSettingsChanged(): Promise<void> {
  return moveStamps(["settings"]);
}

async function moveStamps(scopes: StorefrontScope[]): Promise<void> {
  const cache = edgeCache();
  await Promise.all(
    scopes.map((scope) =>
      cache.put(
        stampKey(scope),
        new Response(randomToken(12), { headers: { "Cache-Control": `public, max-age=${STAMP_TTL_SECONDS}` } }),
      ),
    ),
  );
}
