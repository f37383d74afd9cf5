/*
 * Reconciliation per product × location: the object's level at each location, the sum of
 * its D1 movements there, the projected location level, and, against the `out` bucket,
 * what the dispatches sent from there still have out (plus returns recorded in D1 whose
 * stock is still being moved back on the object).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import type { LocationLevel, StockLevel } from "../stock";

/** The buckets movements move: each compared between the object, the ledger and the projection. */
const BUCKETS = ["on_hand", "reserved", "damaged", "quarantine", "incoming", "out"] as const;
type Bucket = (typeof BUCKETS)[number];
export type LocationQuantities = Record<Bucket, number>;

export interface DispatchCheck {
  /** Dispatch lines sent from here (drafts and cancelled ones aside). */
  lines: number;
  dispatched: number;
  returned: number;
  consumed: number;
  lost: number;
  /** What the lines still have out. */
  outstanding: number;
  /** Recorded returns whose stock has not reached the object yet (it still counts as out there). */
  returning: number;
}

export interface LocationRow {
  location_id: string;
  object: LocationQuantities & { version: number };
  ledger: LocationQuantities & { movements: number };
  projection: (LocationQuantities & { version: number }) | null;
  dispatch: DispatchCheck;
  matches: boolean;
  problems: string[];
}

const EMPTY: LocationQuantities = { on_hand: 0, reserved: 0, damaged: 0, quarantine: 0, incoming: 0, out: 0 };

type Keyed<T> = T & { product_id: string; location_id: string };

const pick = (row: Record<Bucket, number>): LocationQuantities =>
  Object.fromEntries(BUCKETS.map((b) => [b, row[b]])) as LocationQuantities;

function compare(row: Omit<LocationRow, "matches" | "problems">): string[] {
  const { object, ledger, projection, dispatch } = row;
  const problems: string[] = [];
  for (const b of BUCKETS) if (ledger[b] !== object[b]) problems.push(`ledger ${b} differs from the object`);
  if (object.version > 0 && projection === null) problems.push("no projected location level");
  if (projection) {
    for (const b of BUCKETS) if (projection[b] !== object[b]) problems.push(`projected ${b} differs from the object`);
    if (projection.version !== object.version) problems.push("projected version differs from the object");
  }
  if (dispatch.outstanding + dispatch.returning !== object.out)
    problems.push("dispatches' outstanding units differ from the object's out");
  return problems;
}

export type LocationFacts = Awaited<ReturnType<typeof locationFacts>>;

/** What D1 says per product × location of these products: four reads, each one statement. */
export async function locationFacts(db: Database, ids: string[]) {
  const [ledgers, levels, dispatched, returning] = await Promise.all([
    db.all<Keyed<LocationQuantities & { movements: number }>>(sql`
      SELECT product_id, location_id, sum(delta_on_hand) AS on_hand, sum(delta_reserved) AS reserved,
        sum(delta_damaged) AS damaged, sum(delta_quarantine) AS quarantine, sum(delta_incoming) AS incoming,
        sum(delta_out) AS out, count(*) AS movements
      FROM stock_movements WHERE ${inList(sql`product_id`, ids)} GROUP BY product_id, location_id`),
    db.all<Keyed<LocationQuantities & { version: number }>>(sql`
      SELECT product_id, location_id, on_hand, reserved, damaged, quarantine, incoming, out, version
      FROM stock_location_levels WHERE ${inList(sql`product_id`, ids)}`),
    db.all<Keyed<Omit<DispatchCheck, "returning">>>(sql`
      SELECT l.product_id, d.location_id, count(*) AS lines, sum(l.qty) AS dispatched,
        sum(l.returned_good + l.returned_damaged) AS returned, sum(l.consumed) AS consumed, sum(l.lost) AS lost,
        sum(l.qty - l.returned_good - l.returned_damaged - l.consumed - l.lost) AS outstanding
      FROM dispatch_lines l JOIN dispatches d ON d.id = l.dispatch_id
      WHERE ${inList(sql`l.product_id`, ids)} AND d.dispatched_at IS NOT NULL
      GROUP BY l.product_id, d.location_id`),
    db.all<Keyed<{ returning: number }>>(sql`
      SELECT json_extract(s.value, '$.product_id') AS product_id, d.location_id,
        sum(json_extract(s.value, '$.qty')) AS "returning"
      FROM dispatch_returns r JOIN dispatches d ON d.id = r.dispatch_id, json_each(r.stock) s
      WHERE r.stock_applied_at IS NULL AND ${inList(sql`json_extract(s.value, '$.product_id')`, ids)}
      GROUP BY 1, 2`),
  ]);
  const byKey = <T extends { product_id: string; location_id: string }>(rows: T[]) =>
    new Map(rows.map((r) => [`${r.product_id}|${r.location_id}`, r]));
  return {
    ledgers: byKey(ledgers),
    levels: byKey(levels),
    dispatched: byKey(dispatched),
    returning: byKey(returning),
  };
}

/** One product's location rows, against its object's level; the mismatches first. */
export function locationRows(facts: LocationFacts, object: StockLevel): LocationRow[] {
  const productId = object.product_id;
  const objectAt = new Map<string, LocationLevel>(object.locations.map((l) => [l.location_id, l]));
  const locations = new Set(objectAt.keys());
  for (const rows of Object.values(facts))
    for (const r of rows.values()) if (r.product_id === productId) locations.add(r.location_id);
  const rows = [...locations].sort().map((locationId): LocationRow => {
    const k = `${productId}|${locationId}`;
    const o = objectAt.get(locationId);
    const l = facts.ledgers.get(k);
    const p = facts.levels.get(k);
    const d = facts.dispatched.get(k);
    const row = {
      location_id: locationId,
      object: { ...(o ? pick(o) : EMPTY), version: o?.version ?? 0 },
      ledger: { ...(l ? pick(l) : EMPTY), movements: l?.movements ?? 0 },
      projection: p ? { ...pick(p), version: p.version } : null,
      dispatch: {
        lines: d?.lines ?? 0,
        dispatched: d?.dispatched ?? 0,
        returned: d?.returned ?? 0,
        consumed: d?.consumed ?? 0,
        lost: d?.lost ?? 0,
        outstanding: d?.outstanding ?? 0,
        returning: facts.returning.get(k)?.returning ?? 0,
      },
    };
    const problems = compare(row);
    return { ...row, matches: problems.length === 0, problems };
  });
  return [...rows.filter((r) => !r.matches), ...rows.filter((r) => r.matches)];
}
