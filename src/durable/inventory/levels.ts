import type { Bucket, Buckets, LocationLevel, StockLevel } from "./types";

/** The buckets a movement can move (safety stock is a setting, not a movement). */
export const MOVED_BUCKETS = ["on_hand", "reserved", "damaged", "quarantine", "incoming", "out"] as const;
export type MovedBucket = (typeof MOVED_BUCKETS)[number];
export type Deltas = Partial<Record<MovedBucket, number>>;

export const EMPTY_BUCKETS: Buckets = {
  on_hand: 0,
  reserved: 0,
  damaged: 0,
  quarantine: 0,
  safety_stock: 0,
  incoming: 0,
  out: 0,
};

/** What can be sold at a location: never negative, whatever safety stock is set. */
export function sellable(b: Buckets): number {
  return Math.max(0, b.on_hand - b.reserved - b.damaged - b.quarantine - b.safety_stock);
}

export function withDeltas<T extends Buckets>(level: T, deltas: Deltas): T {
  const after = { ...level };
  for (const bucket of MOVED_BUCKETS) after[bucket] += deltas[bucket] ?? 0;
  return after;
}

/** The invariant the object's CHECK constraints hold: every bucket >= 0, held/damaged/quarantined units are on hand. */
export function keepsInvariant(b: Buckets): boolean {
  return (
    (Object.keys(EMPTY_BUCKETS) as Bucket[]).every((k) => Number.isSafeInteger(b[k]) && b[k] >= 0) &&
    b.reserved + b.damaged + b.quarantine <= b.on_hand
  );
}

/** A product's totals over its locations (available sums each location's, so one's shortfall hides nothing). */
export function totalOf(
  product: { product_id: string; version: number; low_stock_threshold: number | null; updated_at: string | null },
  locations: LocationLevel[],
): StockLevel {
  const totals = { ...EMPTY_BUCKETS, available: 0 };
  for (const l of locations) {
    for (const key of Object.keys(EMPTY_BUCKETS) as (keyof Buckets)[]) totals[key] += l[key];
    totals.available += l.available;
  }
  return {
    product_id: product.product_id,
    ...totals,
    version: product.version,
    low_stock_threshold: product.low_stock_threshold,
    updated_at: product.updated_at,
    locations,
  };
}
