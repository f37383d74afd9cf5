// The global latency model: what a request's local p50 becomes for a client far from
// the database. D1's primary and the Durable Objects live in eastern North America;
// the client is served by the Cloudflare data centre near it. Every sequential round
// trip from the Worker to D1, an object, a queue or R2 crosses the ocean; the Cache API
// and rate limits answer in the data centre the Worker runs in. bench/README.md
// ("Modelled latency") explains the model and where the RTTs come from.

/** Round-trip times (ms) from each client region's data centre to eastern North America (Ashburn). */
export const RTT_TO_ENAM_MS = {
  Frankfurt: 90,
  "São Paulo": 120,
  Sydney: 200,
};
/** Round trip between a Worker placed next to the database and the database. */
export const SAME_REGION_RTT_MS = 1;

/** Binding kinds whose calls leave the data centre (cache and rate limits stay local). */
export const FAR_KINDS = ["d1", "do", "queue", "workflow", "r2"];

/** Sequential round trips per request that cross to the database's region. */
export function farRoundTrips(serverTiming) {
  if (!serverTiming) return null;
  return FAR_KINDS.reduce((n, kind) => n + (serverTiming.kinds[kind]?.round_trips ?? 0), 0);
}

/**
 * Modelled p50 for a client in `region`:
 * - at the edge (the default): local p50 + far round trips × RTT;
 * - with Smart Placement (the Worker runs next to the database): local p50 + one RTT
 *   for the request itself to reach the placed Worker, + far round trips × the same-region RTT.
 *   A cache hit then also pays that RTT, since the cache is the placed Worker's.
 */
export function modelledP50(localP50, roundTrips, region, placement = "edge") {
  if (localP50 == null || roundTrips == null) return null;
  const rtt = RTT_TO_ENAM_MS[region];
  return placement === "edge" ? localP50 + roundTrips * rtt : localP50 + rtt + roundTrips * SAME_REGION_RTT_MS;
}
