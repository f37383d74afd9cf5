/*
 * Projects belong to one company; their code is unique within it and the end date is
 * never before the start. A closed project takes no new dispatches (the dispatch module
 * asks `projectOpenSql`). A project is deleted only while nothing refers to it; one with
 * drillholes or dispatches is closed instead.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { guard, isForeignKeyViolation, isUniqueViolation, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { projects } from "../../db/schema";
import { badRequest, conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { checkVersion, saveEdit } from "./edits";
import {
  type CreateProjectInput,
  type ListProjectsFilter,
  type ProjectRow,
  type ProjectView,
  toProjectView,
  type UpdateProjectInput,
} from "./project-schemas";
import { loadCompany } from "./service";

function writeError(err: unknown): unknown {
  if (isUniqueViolation(err, projects, "projects_company_code"))
    return conflict("The company already has a project with this code.");
  return err;
}

function checkDates(row: { startDate: string | null; endDate: string | null }): void {
  if (row.startDate && row.endDate && row.endDate < row.startDate) {
    throw badRequest("A project cannot end before it starts.", [{ path: "end_date", message: "Before start_date" }]);
  }
}

export async function loadProject(db: Database, id: string): Promise<ProjectRow> {
  const [row] = await db.select().from(projects).where(eq(projects.id, id)).limit(1);
  if (!row) throw notFound("Project");
  return row;
}

export async function createProject(db: Database, input: CreateProjectInput, meta: RequestMeta): Promise<ProjectView> {
  const company = await loadCompany(db, input.company_id).catch(() => {
    throw badRequest("The company does not exist.", [{ path: "company_id", message: "Unknown company" }]);
  });
  if (!company.active) throw conflict("The company is archived; restore it before adding projects.");
  const now = nowIso();
  const row: ProjectRow = {
    id: newId("prj"),
    companyId: company.id,
    name: input.name,
    code: input.code,
    status: input.status ?? "planned",
    startDate: input.start_date ?? null,
    endDate: input.end_date ?? null,
    notes: input.notes ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  checkDates(row);
  const view = toProjectView(row);
  try {
    await runBatch(db, [
      db.insert(projects).values(row),
      auditInsert(db, meta, { action: "project.created", entityType: "project", entityId: row.id, after: view }),
    ]);
  } catch (err) {
    throw writeError(err);
  }
  return view;
}

export async function listProjects(db: Database, filter: ListProjectsFilter) {
  const where: (SQL | undefined)[] = [
    filter.company_id ? eq(projects.companyId, filter.company_id) : undefined,
    filter.status ? eq(projects.status, filter.status) : undefined,
    filter.cursor ? gt(projects.id, String(decodeCursor(filter.cursor, 1)[0])) : undefined,
  ];
  const rows = await db
    .select()
    .from(projects)
    .where(and(...where))
    .orderBy(asc(projects.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toProjectView);
}

const unchangedSql = (row: ProjectRow) =>
  sql`EXISTS (SELECT 1 FROM projects WHERE id = ${row.id} AND version = ${row.version})`;

export function updateProject(
  db: Database,
  id: string,
  input: UpdateProjectInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<ProjectView> {
  return retryOnRace(async () => {
    const current = await loadProject(db, id);
    checkVersion(current, expectedVersion);
    const next: ProjectRow = {
      ...current,
      name: input.name ?? current.name,
      code: input.code ?? current.code,
      status: input.status ?? current.status,
      startDate: input.start_date === undefined ? current.startDate : input.start_date,
      endDate: input.end_date === undefined ? current.endDate : input.end_date,
      notes: input.notes === undefined ? current.notes : input.notes,
      version: current.version + 1,
      updatedAt: nowIso(),
    };
    checkDates(next);
    const { id: _, createdAt: __, companyId: ___, ...changes } = next;
    return saveEdit(db, meta, {
      entityType: "project",
      action: "project.updated",
      current,
      next,
      view: toProjectView,
      stillValid: unchangedSql(current),
      update: db.update(projects).set(changes).where(eq(projects.id, id)),
      mapError: writeError,
    });
  });
}

export function deleteProject(db: Database, id: string, expectedVersion: number | null, meta: RequestMeta) {
  return retryOnRace(async () => {
    const current = await loadProject(db, id);
    checkVersion(current, expectedVersion);
    try {
      await runBatch(db, [
        guard(db, unchangedSql(current)),
        db.delete(projects).where(eq(projects.id, id)),
        auditInsert(db, meta, {
          action: "project.deleted",
          entityType: "project",
          entityId: id,
          before: toProjectView(current),
        }),
      ]);
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw conflict("The project has drillholes or dispatches; set its status to `closed` instead.");
      }
      throw err;
    }
  });
}

/** The guard a dispatch needs: the project is of this company and not closed when the dispatch is written. */
export const projectOpenSql = (projectId: string, companyId: string) =>
  sql`EXISTS (SELECT 1 FROM projects WHERE id = ${projectId} AND company_id = ${companyId} AND status <> 'closed')`;
