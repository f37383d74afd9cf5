/**
 * The live-stock hubs: `STREAM_SHARDS` objects named `stream-0` … `stream-(n-1)`.
 * Every hub receives every product's changes, so a watcher may connect to any one.
 */
type Hubs = Env["STOCK_STREAM"];

function hubCount(shards: string): number {
  return Math.max(1, Number(shards) || 1);
}

function hub(ns: Hubs, index: number) {
  return ns.get(ns.idFromName(`stream-${index}`));
}

/** Every hub, for a product's object to publish its level to. */
export function allHubs(ns: Hubs, shards: string) {
  return Array.from({ length: hubCount(shards) }, (_, i) => hub(ns, i));
}

/** One hub at random, to spread new watchers over them. */
export function anyHub(ns: Hubs, shards: string) {
  return hub(ns, Math.floor(Math.random() * hubCount(shards)));
}
