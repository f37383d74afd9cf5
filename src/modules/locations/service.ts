/*
 * Locations: where stock is kept. The stock itself lives in each product's stock object,
 * keyed by location id; this module names the ids and says which locations fulfil
 * orders, in what priority. `MAIN` (the default location) is made by the migration and
 * holds everything a client stocks without naming a location, so it cannot be deleted.
 * A location that still has stock or open holds cannot be deleted either; it can be
 * deactivated, which takes it out of allocation.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { guard, isUniqueViolation, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { inList, selectInPieces } from "../../db/lists";
import { DEFAULT_LOCATION_ID, locations } from "../../db/schema";
import { conflict, notFound, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { type LocationResponse, toLocationResponse } from "./schemas";
import { locationHasStock } from "./stock";

type LocationRow = typeof locations.$inferSelect;

export interface LocationInput {
  name?: string | undefined;
  code?: string | undefined;
  kind?: LocationRow["kind"] | undefined;
  address?: LocationRow["address"] | undefined;
  fulfils_orders?: boolean | undefined;
  priority?: number | undefined;
  active?: boolean | undefined;
}

function writeError(err: unknown): unknown {
  if (isUniqueViolation(err, locations, "locations_code")) return conflict("Another location already uses this code.");
  return err;
}

export async function findLocation(db: Database, id: string): Promise<LocationRow | undefined> {
  const [row] = await db.select().from(locations).where(eq(locations.id, id)).limit(1);
  return row;
}

export async function loadLocation(db: Database, id: string): Promise<LocationRow> {
  const row = await findLocation(db, id);
  if (!row) throw notFound("Location");
  return row;
}

export async function listLocations(
  db: Database,
  query: {
    limit: number;
    cursor?: string | undefined;
    kind?: LocationRow["kind"] | undefined;
    active?: boolean | undefined;
    fulfils_orders?: boolean | undefined;
  },
) {
  const where: SQL[] = [];
  if (query.kind) where.push(eq(locations.kind, query.kind));
  if (query.active !== undefined) where.push(eq(locations.active, query.active));
  if (query.fulfils_orders !== undefined) where.push(eq(locations.fulfilsOrders, query.fulfils_orders));
  if (query.cursor) where.push(gt(locations.id, String(decodeCursor(query.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(locations)
    .where(and(...where))
    .orderBy(asc(locations.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => [r.id], toLocationResponse);
}

export async function createLocation(
  db: Database,
  input: Required<Omit<LocationInput, "address">> & { address?: LocationRow["address"] | undefined },
  meta: RequestMeta,
): Promise<LocationResponse> {
  const now = nowIso();
  const row: LocationRow = {
    id: newId("loc"),
    name: input.name,
    code: input.code,
    kind: input.kind,
    address: input.address ?? null,
    fulfilsOrders: input.fulfils_orders,
    priority: input.priority,
    active: input.active,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const response = toLocationResponse(row);
  try {
    await runBatch(db, [
      db.insert(locations).values(row),
      auditInsert(db, meta, { action: "location.created", entityType: "location", entityId: row.id, after: response }),
    ]);
  } catch (err) {
    throw writeError(err);
  }
  return response;
}

export async function updateLocation(
  db: Database,
  id: string,
  input: LocationInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<LocationResponse> {
  return retryOnRace(async () => {
    const current = await loadLocation(db, id);
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    const next = {
      name: input.name ?? current.name,
      code: input.code ?? current.code,
      kind: input.kind ?? current.kind,
      address: input.address === undefined ? current.address : input.address,
      fulfilsOrders: input.fulfils_orders ?? current.fulfilsOrders,
      priority: input.priority ?? current.priority,
      active: input.active ?? current.active,
    };
    const unchanged = (Object.keys(next) as (keyof typeof next)[]).every(
      (k) => JSON.stringify(next[k]) === JSON.stringify(current[k]),
    );
    if (unchanged) return toLocationResponse(current);
    const after: LocationRow = { ...current, ...next, version: current.version + 1, updatedAt: nowIso() };
    const still = and(eq(locations.id, id), eq(locations.version, current.version));
    try {
      await runBatch(db, [
        guard(db, sql`EXISTS (SELECT 1 FROM locations WHERE ${still})`),
        db
          .update(locations)
          .set({ ...next, version: after.version, updatedAt: after.updatedAt })
          .where(still),
        auditInsert(db, meta, {
          action: "location.updated",
          entityType: "location",
          entityId: id,
          before: toLocationResponse(current),
          after: toLocationResponse(after),
        }),
      ]);
    } catch (err) {
      throw writeError(err);
    }
    return toLocationResponse(after);
  });
}

export async function deleteLocation(db: Database, id: string, meta: RequestMeta): Promise<void> {
  if (id === DEFAULT_LOCATION_ID) {
    throw conflict("The default location holds stock changed without a location; it cannot be deleted.");
  }
  const current = await loadLocation(db, id);
  if (await locationHasStock(db, id)) {
    throw conflict("The location still has stock or open holds; move or write them off, or deactivate it.");
  }
  await runBatch(db, [
    guard(db, sql`EXISTS (SELECT 1 FROM locations WHERE id = ${id} AND version = ${current.version})`),
    db.delete(locations).where(eq(locations.id, id)),
    auditInsert(db, meta, {
      action: "location.deleted",
      entityType: "location",
      entityId: id,
      before: toLocationResponse(current),
    }),
  ]);
}

/** SQL: the location id names an active location that fulfils orders (for projection reads). */
export function isFulfillingLocation(locationId: AnySQLiteColumn): SQL {
  return sql`${locationId} IN (SELECT ${locations.id} FROM ${locations} WHERE ${locations.fulfilsOrders} = 1 AND ${locations.active} = 1)`;
}

/** Active locations that fulfil orders, in allocation order: where checkout may hold stock. */
export async function fulfillingLocationIds(db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.fulfilsOrders, true), eq(locations.active, true)))
    .orderBy(asc(locations.priority), asc(locations.id));
  return rows.map((r) => r.id);
}

/** Which of these ids name a location. */
export async function knownLocations(db: Database, ids: string[]): Promise<Map<string, LocationRow>> {
  const rows = await selectInPieces(ids, (piece) => db.select().from(locations).where(inList(locations.id, piece)));
  return new Map(rows.map((row) => [row.id, row]));
}

/** The ids of the locations with these codes. */
export async function locationIdsByCode(db: Database, codes: string[]): Promise<Map<string, string>> {
  const rows = await selectInPieces(codes, (piece) =>
    db.select({ id: locations.id, code: locations.code }).from(locations).where(inList(locations.code, piece)),
  );
  return new Map(rows.map((row) => [row.code, row.id]));
}

/** Which of these locations exist (their ids), as a query a caller can put in a batch. */
export function existingLocationsQuery(db: Database, ids: readonly string[]) {
  return db
    .select({ id: locations.id })
    .from(locations)
    .where(inList(locations.id, [...new Set(ids)]));
}

/** Refuses ids that name no location (404), so stock is never kept at a phantom place. */
export async function requireLocations(db: Database, ids: string[]): Promise<LocationRow[]> {
  const unique = [...new Set(ids)];
  const found = await knownLocations(db, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) throw notFound(`Location ${missing.join(", ")}`);
  return unique.map((id) => found.get(id) as LocationRow);
}
