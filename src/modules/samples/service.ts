/*
 * Samples: serial-tracked units cut from a drillhole interval or taken from a lot. The
 * number is unique; intervals lie within the hole and never overlap (checked here for a
 * clear 409 naming the clashing sample, and by a trigger inside every write). A sample
 * goes out and comes back only through dispatches, which change its status with the
 * statements `dispatchStatements` builds; by hand it can only be put back in store after a
 * return, or disposed of while not out.
 */
import { and, asc, eq, gt, gte, lt, type SQL, sql } from "drizzle-orm";
import { retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { drillholes, samples } from "../../db/schema";
import { AppError, conflict, invalidTransition, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { checkVersion, saveEdit } from "../companies";
import { DEFAULT_LOCATION_ID } from "../locations";
import { type Candidate, isPlacementRace, loadPlacement, place } from "./placement";
import {
  type CreateSampleInput,
  type ListSamplesFilter,
  type RowError,
  type SampleRow,
  type SampleView,
  toSampleView,
  type UpdateSampleInput,
} from "./schemas";

export async function loadSample(db: Database, id: string): Promise<SampleRow> {
  const [row] = await db.select().from(samples).where(eq(samples.id, id)).limit(1);
  if (!row) throw notFound("Sample");
  return row;
}

export function newSampleRow(input: CreateSampleInput, now: string, id = newId("smp")): SampleRow {
  return {
    id,
    number: input.number,
    drillholeId: input.drillhole_id ?? null,
    depthFrom: input.depth_from ?? null,
    depthTo: input.depth_to ?? null,
    lot: input.lot ?? null,
    type: input.type,
    weightGrams: input.weight_grams ?? null,
    locationId: input.location_id ?? DEFAULT_LOCATION_ID,
    status: "in_store",
    dispatchId: null,
    notes: input.notes ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export function rowErrorOf(error: RowError): AppError {
  const extra = error.clashing_sample ? { clashing_sample: error.clashing_sample } : {};
  return error.code === "CONFLICT"
    ? conflict(error.detail, extra)
    : new AppError("VALIDATION_FAILED", error.detail, {
        errors: [{ path: error.field, message: error.detail }],
      });
}

const RACE_ATTEMPTS = 3;

/** Runs a placement attempt again when a concurrent writer took a number or an interval meanwhile. */
export async function retryPlacement<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isPlacementRace(err) || n >= RACE_ATTEMPTS) throw err;
    }
  }
}

export function createSample(db: Database, input: CreateSampleInput, meta: RequestMeta): Promise<SampleView> {
  return retryPlacement(async () => {
    const row = newSampleRow(input, nowIso());
    const refused = place(await loadPlacement(db, [row]), row);
    if (refused) throw rowErrorOf(refused);
    const view = toSampleView(row);
    await runBatch(db, [
      db.insert(samples).values(row),
      auditInsert(db, meta, { action: "sample.created", entityType: "sample", entityId: row.id, after: view }),
    ]);
    return view;
  });
}

/** Which manual status changes are allowed, from where. */
const MANUAL_FROM: Record<"in_store" | "disposed", SampleRow["status"][]> = {
  in_store: ["returned", "in_store"],
  disposed: ["in_store", "returned", "disposed"],
};

export function updateSample(
  db: Database,
  id: string,
  input: UpdateSampleInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<SampleView> {
  return retryPlacement(() =>
    retryOnRace(async () => {
      const current = await loadSample(db, id);
      checkVersion(current, expectedVersion);
      if (input.status && !MANUAL_FROM[input.status].includes(current.status)) {
        throw invalidTransition(`A ${current.status} sample cannot be set to ${input.status} by hand.`);
      }
      const moving =
        input.depth_from !== undefined ||
        input.depth_to !== undefined ||
        input.number !== undefined ||
        input.location_id !== undefined;
      if ((input.depth_from !== undefined || input.depth_to !== undefined) && current.drillholeId === null) {
        throw conflict("A lot sample has no depths.");
      }
      const next: SampleRow = {
        ...current,
        number: input.number ?? current.number,
        depthFrom: input.depth_from ?? current.depthFrom,
        depthTo: input.depth_to ?? current.depthTo,
        type: input.type ?? current.type,
        weightGrams: input.weight_grams === undefined ? current.weightGrams : input.weight_grams,
        locationId: input.location_id === undefined ? current.locationId : input.location_id,
        notes: input.notes === undefined ? current.notes : input.notes,
        status: input.status ?? current.status,
        version: current.version + 1,
        updatedAt: nowIso(),
      };
      if (next.depthFrom !== null && next.depthTo !== null && next.depthFrom >= next.depthTo) {
        throw new AppError("VALIDATION_FAILED", "depth_to must be greater than depth_from.", {
          errors: [{ path: "depth_to", message: "Must be greater than depth_from" }],
        });
      }
      if (moving) {
        const candidate: Candidate = next;
        const placement = await loadPlacement(db, [candidate]);
        // The number index and the trigger would refuse too; this answers with what clashes.
        const refused = place(placement, candidate);
        if (refused) throw rowErrorOf(refused);
      }
      const { id: _, createdAt: __, ...changes } = next;
      return saveEdit(db, meta, {
        entityType: "sample",
        action: "sample.updated",
        current,
        next,
        view: toSampleView,
        stillValid: sql`EXISTS (SELECT 1 FROM samples WHERE id = ${id} AND version = ${current.version})`,
        update: db.update(samples).set(changes).where(eq(samples.id, id)),
      });
    }),
  );
}

export async function listSamples(db: Database, filter: ListSamplesFilter) {
  const where: (SQL | undefined)[] = [
    filter.drillhole_id ? eq(samples.drillholeId, filter.drillhole_id) : undefined,
    filter.project_id
      ? sql`${samples.drillholeId} IN (SELECT id FROM ${drillholes} WHERE project_id = ${filter.project_id})`
      : undefined,
    filter.status ? eq(samples.status, filter.status) : undefined,
    filter.location_id ? eq(samples.locationId, filter.location_id) : undefined,
    filter.depth_min !== undefined ? gt(samples.depthTo, filter.depth_min) : undefined,
    filter.depth_max !== undefined ? lt(samples.depthFrom, filter.depth_max) : undefined,
    // A range rather than LIKE: no pattern-length limit and no escaping of % and _.
    filter.number_prefix
      ? and(gte(samples.number, filter.number_prefix), lt(samples.number, `${filter.number_prefix}\u{10ffff}`))
      : undefined,
    filter.cursor ? gt(samples.id, String(decodeCursor(filter.cursor, 1)[0])) : undefined,
  ];
  const rows = await db
    .select()
    .from(samples)
    .where(and(...where))
    .orderBy(asc(samples.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toSampleView);
}
