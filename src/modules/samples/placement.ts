/*
 * Where a new sample may go: its number is not taken, its location and hole exist, its
 * interval lies within the hole's depth and overlaps no other interval of that hole. Checked for many
 * rows at once (a batch, or an import of 100,000 rows, reads the holes, numbers and
 * intervals it needs in a few list queries, and finds a clash by binary search), and each
 * accepted row is added to what later rows are checked against, so two rows of one batch
 * cannot clash either.
 */
import type { Database } from "../../db/client";
import { inList, selectInPieces } from "../../db/lists";
import { drillholes, samples } from "../../db/schema";
import { type DrillholeRow, depthOf } from "../companies";
import { knownLocations } from "../locations";
import type { RowError } from "./schemas";

interface Interval {
  id: string;
  number: string;
  from: number;
  to: number;
}

export interface Placement {
  holes: Map<string, DrillholeRow>;
  intervals: Map<string, Interval[]>;
  numbers: Set<string>;
  locations: Set<string>;
}

export interface Candidate {
  id: string;
  number: string;
  drillholeId: string | null;
  depthFrom: number | null;
  depthTo: number | null;
  locationId: string | null;
}

export async function loadPlacement(db: Database, candidates: Candidate[]): Promise<Placement> {
  const holeIds = candidates.flatMap((c) => (c.drillholeId ? [c.drillholeId] : []));
  const [holes, taken, cut, places] = await Promise.all([
    selectInPieces(holeIds, (part) => db.select().from(drillholes).where(inList(drillholes.id, part))),
    selectInPieces(
      candidates.map((c) => c.number),
      (part) => db.select({ id: samples.id, number: samples.number }).from(samples).where(inList(samples.number, part)),
    ),
    selectInPieces(holeIds, (part) =>
      db
        .select({
          id: samples.id,
          number: samples.number,
          hole: samples.drillholeId,
          from: samples.depthFrom,
          to: samples.depthTo,
        })
        .from(samples)
        .where(inList(samples.drillholeId, part)),
    ),
    knownLocations(
      db,
      candidates.flatMap((c) => (c.locationId ? [c.locationId] : [])),
    ),
  ]);
  const selves = new Set(candidates.map((c) => c.id));
  const intervals = new Map<string, Interval[]>();
  for (const s of cut) {
    if (!s.hole || s.from === null || s.to === null || selves.has(s.id)) continue;
    const list = intervals.get(s.hole) ?? [];
    list.push({ id: s.id, number: s.number, from: s.from, to: s.to });
    intervals.set(s.hole, list);
  }
  for (const list of intervals.values()) list.sort((a, b) => a.from - b.from);
  return {
    holes: new Map(holes.map((h) => [h.id, h])),
    intervals,
    numbers: new Set(taken.filter((t) => !selves.has(t.id)).map((t) => t.number)),
    locations: new Set(places.keys()),
  };
}

const refusal = (code: string, field: string, detail: string, clash: Interval | null = null): RowError => ({
  code,
  field,
  detail,
  clashing_sample: clash ? { id: clash.id, number: clash.number } : null,
});

/** The position of the first interval that starts at `depth` or deeper (binary search). */
function firstStartingAt(sorted: Interval[], depth: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid]?.from ?? depth) < depth) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Why the candidate cannot be placed, or null (and it is then counted as placed). */
export function place(placement: Placement, c: Candidate): RowError | null {
  if (placement.numbers.has(c.number))
    return refusal("CONFLICT", "number", `Sample number ${c.number} is already taken.`);
  if (c.locationId !== null && !placement.locations.has(c.locationId)) {
    return refusal("VALIDATION_FAILED", "location_id", `Location ${c.locationId} does not exist.`);
  }
  if (c.drillholeId !== null && c.depthFrom !== null && c.depthTo !== null) {
    const hole = placement.holes.get(c.drillholeId);
    if (!hole) return refusal("VALIDATION_FAILED", "drillhole_id", "The drillhole does not exist.");
    const depth = depthOf(hole);
    if (depth !== null && c.depthTo > depth) {
      return refusal("VALIDATION_FAILED", "depth_to", `The interval ends below the hole's depth of ${depth} m.`);
    }
    const from = c.depthFrom;
    const to = c.depthTo;
    const intervals = placement.intervals.get(c.drillholeId) ?? [];
    // The hole's intervals never overlap, so sorted by start they end in order too: of
    // those starting before `to`, only the deepest can reach past `from`.
    const after = firstStartingAt(intervals, to);
    const clash = intervals[after - 1];
    if (clash && clash.to > from) {
      return refusal(
        "CONFLICT",
        "depth_from",
        `The interval overlaps sample ${clash.number} (${clash.from}–${clash.to} m).`,
        clash,
      );
    }
    intervals.splice(after, 0, { id: c.id, number: c.number, from, to });
    placement.intervals.set(c.drillholeId, intervals);
  }
  placement.numbers.add(c.number);
  return null;
}

/** Whether a write failed on the interval trigger or the number index: a concurrent writer got there first. */
export function isPlacementRace(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : "";
  return text.includes("sample_interval_overlap") || text.includes("samples.number");
}
