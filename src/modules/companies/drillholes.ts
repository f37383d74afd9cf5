/*
 * Drillholes of a project: the hole id is unique within the project, and the collar,
 * azimuth, dip and depths are range-checked. Samples are cut within the hole's depth
 * (final depth once known, else the planned one), which the samples module asks `depthOf`.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { isUniqueViolation, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { drillholes } from "../../db/schema";
import { badRequest, conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import {
  type CreateDrillholeInput,
  type DrillholeRow,
  type DrillholeView,
  type ListDrillholesFilter,
  toDrillholeView,
  type UpdateDrillholeInput,
} from "./drillhole-schemas";
import { checkVersion, saveEdit } from "./edits";
import { loadProject } from "./projects";

function writeError(err: unknown): unknown {
  if (isUniqueViolation(err, drillholes, "drillholes_project_hole"))
    return conflict("The project already has a hole with this id.");
  return err;
}

export async function loadDrillhole(db: Database, id: string): Promise<DrillholeRow> {
  const [row] = await db.select().from(drillholes).where(eq(drillholes.id, id)).limit(1);
  if (!row) throw notFound("Drillhole");
  return row;
}

/** The depth samples of the hole must lie within, or null when neither depth is known. */
export function depthOf(hole: DrillholeRow): number | null {
  return hole.finalDepth ?? hole.plannedDepth;
}

type Fields = Omit<DrillholeRow, "id" | "projectId" | "version" | "createdAt" | "updatedAt">;

function fieldsOf(input: UpdateDrillholeInput, base: Fields): Fields {
  const pick = <K extends keyof Fields>(value: Fields[K] | undefined, key: K): Fields[K] =>
    value === undefined ? base[key] : value;
  return {
    holeId: input.hole_id ?? base.holeId,
    easting: pick(input.easting, "easting"),
    northing: pick(input.northing, "northing"),
    latitude: pick(input.latitude, "latitude"),
    longitude: pick(input.longitude, "longitude"),
    elevation: pick(input.elevation, "elevation"),
    azimuth: pick(input.azimuth, "azimuth"),
    dip: pick(input.dip, "dip"),
    plannedDepth: pick(input.planned_depth, "plannedDepth"),
    finalDepth: pick(input.final_depth, "finalDepth"),
    status: input.status ?? base.status,
    startedOn: pick(input.started_on, "startedOn"),
    completedOn: pick(input.completed_on, "completedOn"),
  };
}

function checkDates(f: Fields): void {
  if (f.startedOn && f.completedOn && f.completedOn < f.startedOn) {
    throw badRequest("A hole cannot be completed before it was started.", [
      { path: "completed_on", message: "Before started_on" },
    ]);
  }
}

const EMPTY: Fields = {
  holeId: "",
  easting: null,
  northing: null,
  latitude: null,
  longitude: null,
  elevation: null,
  azimuth: null,
  dip: null,
  plannedDepth: null,
  finalDepth: null,
  status: "planned",
  startedOn: null,
  completedOn: null,
};

export async function createDrillhole(
  db: Database,
  input: CreateDrillholeInput,
  meta: RequestMeta,
): Promise<DrillholeView> {
  const project = await loadProject(db, input.project_id).catch(() => {
    throw badRequest("The project does not exist.", [{ path: "project_id", message: "Unknown project" }]);
  });
  const now = nowIso();
  const row: DrillholeRow = {
    id: newId("dhl"),
    projectId: project.id,
    ...fieldsOf(input, EMPTY),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  checkDates(row);
  const view = toDrillholeView(row);
  try {
    await runBatch(db, [
      db.insert(drillholes).values(row),
      auditInsert(db, meta, { action: "drillhole.created", entityType: "drillhole", entityId: row.id, after: view }),
    ]);
  } catch (err) {
    throw writeError(err);
  }
  return view;
}

export async function listDrillholes(db: Database, filter: ListDrillholesFilter) {
  const where: (SQL | undefined)[] = [
    filter.project_id ? eq(drillholes.projectId, filter.project_id) : undefined,
    filter.status ? eq(drillholes.status, filter.status) : undefined,
    filter.cursor ? gt(drillholes.id, String(decodeCursor(filter.cursor, 1)[0])) : undefined,
  ];
  const rows = await db
    .select()
    .from(drillholes)
    .where(and(...where))
    .orderBy(asc(drillholes.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toDrillholeView);
}

export function updateDrillhole(
  db: Database,
  id: string,
  input: UpdateDrillholeInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<DrillholeView> {
  return retryOnRace(async () => {
    const current = await loadDrillhole(db, id);
    checkVersion(current, expectedVersion);
    const changes = { ...fieldsOf(input, current), version: current.version + 1, updatedAt: nowIso() };
    checkDates(changes);
    const depth = changes.finalDepth ?? changes.plannedDepth;
    // A hole cannot be shortened below a sample already cut from it.
    const deepest = sql`(SELECT max(depth_to) FROM samples WHERE drillhole_id = ${id})`;
    if (depth !== null) {
      const [row] = await db.all<{ deepest: number | null }>(sql`SELECT ${deepest} AS deepest`);
      if (row?.deepest != null && row.deepest > depth) {
        throw conflict(`Samples reach ${row.deepest} m, below the hole's new depth of ${depth} m.`);
      }
    }
    return saveEdit(db, meta, {
      entityType: "drillhole",
      action: "drillhole.updated",
      current,
      next: { ...current, ...changes },
      view: toDrillholeView,
      stillValid: sql`EXISTS (SELECT 1 FROM drillholes WHERE id = ${id} AND version = ${current.version})
        AND (${depth} IS NULL OR coalesce(${deepest}, 0) <= ${depth})`,
      update: db.update(drillholes).set(changes).where(eq(drillholes.id, id)),
      mapError: writeError,
    });
  });
}
