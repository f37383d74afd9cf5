import type { StockStreamDO } from "./object";

/**
 * The live-stock hubs: `STREAM_SHARDS` objects named `stream-0` … `stream-(n-1)`.
 * Every hub receives every product's changes, so a watcher may connect to any one.
 */
function hubCount(shards: string): number {
  return Math.max(1, Number(shards) || 1);
}

function hub(ns: DurableObjectNamespace<StockStreamDO>, index: number) {
  return ns.get(ns.idFromName(`stream-${index}`));
}

/** Every hub, for a product's object to publish its level to. */
export function allHubs(ns: DurableObjectNamespace<StockStreamDO>, shards: string) {
  return Array.from({ length: hubCount(shards) }, (_, i) => hub(ns, i));
}

/** One hub at random, to spread new watchers over them. */
export function anyHub(ns: DurableObjectNamespace<StockStreamDO>, shards: string) {
  return hub(ns, Math.floor(Math.random() * hubCount(shards)));
}
