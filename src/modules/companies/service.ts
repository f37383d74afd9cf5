/*
 * Companies: the register of companies (clients, laboratories, contractors), their projects and the
 * projects' drillholes. A company name is unique without regard to case; a project code
 * unique within its company; a hole id unique within its project. Companies are never
 * deleted, only archived, and not while dispatches to them are outstanding (the caller
 * names that condition, since dispatches are another module's). Every write is guarded on
 * the version it read and leaves an audit row in the same batch.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { isUniqueViolation, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { companies } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { checkVersion, saveEdit } from "./edits";
import {
  type CompanyRow,
  type CompanyView,
  type CreateCompanyInput,
  type ListCompaniesFilter,
  toCompanyView,
  type UpdateCompanyInput,
} from "./schemas";

function nameTaken(err: unknown): unknown {
  return isUniqueViolation(err, companies, "companies_name_ci")
    ? conflict("Another company already has this name.")
    : err;
}

export async function loadCompany(db: Database, id: string): Promise<CompanyRow> {
  const [row] = await db.select().from(companies).where(eq(companies.id, id)).limit(1);
  if (!row) throw notFound("Company");
  return row;
}

export async function createCompany(db: Database, input: CreateCompanyInput, meta: RequestMeta): Promise<CompanyView> {
  const now = nowIso();
  const row: CompanyRow = {
    id: newId("cmp"),
    name: input.name,
    code: input.code ?? null,
    kind: input.kind,
    contact: input.contact ?? {},
    address: input.address ?? null,
    notes: input.notes ?? null,
    active: true,
    archivedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const view = toCompanyView(row);
  try {
    await runBatch(db, [
      db.insert(companies).values(row),
      auditInsert(db, meta, { action: "company.created", entityType: "company", entityId: row.id, after: view }),
    ]);
  } catch (err) {
    throw nameTaken(err);
  }
  return view;
}

export async function listCompanies(db: Database, filter: ListCompaniesFilter) {
  const where: (SQL | undefined)[] = [
    filter.kind ? eq(companies.kind, filter.kind) : undefined,
    filter.include_archived ? undefined : eq(companies.active, true),
    filter.cursor ? gt(companies.id, String(decodeCursor(filter.cursor, 1)[0])) : undefined,
  ];
  const rows = await db
    .select()
    .from(companies)
    .where(and(...where))
    .orderBy(asc(companies.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toCompanyView);
}

const unchangedSql = (row: CompanyRow) =>
  sql`EXISTS (SELECT 1 FROM companies WHERE id = ${row.id} AND version = ${row.version})`;

export function updateCompany(
  db: Database,
  id: string,
  input: UpdateCompanyInput,
  expectedVersion: number | null,
  meta: RequestMeta,
  stillFreeToArchive: SQL,
): Promise<CompanyView> {
  return retryOnRace(async () => {
    const current = await loadCompany(db, id);
    checkVersion(current, expectedVersion);
    const active = input.active ?? current.active;
    const next: CompanyRow = {
      ...current,
      name: input.name ?? current.name,
      code: input.code === undefined ? current.code : input.code,
      kind: input.kind ?? current.kind,
      contact: input.contact ?? current.contact,
      address: input.address === undefined ? current.address : input.address,
      notes: input.notes === undefined ? current.notes : input.notes,
      active,
      archivedAt: active ? null : (current.archivedAt ?? nowIso()),
      version: current.version + 1,
      updatedAt: nowIso(),
    };
    const archiving = current.active && !active;
    // Checked here for a clear 409, and again inside the write (the guard), so a dispatch
    // that goes out meanwhile wins instead of leaving an archived company with stock out.
    if (archiving) {
      const [free] = await db.all<{ ok: number }>(sql`SELECT ${stillFreeToArchive} AS ok`);
      if (!free?.ok)
        throw conflict("The company has outstanding dispatches; it cannot be archived until they are back.");
    }
    const { id: _, createdAt: __, ...changes } = next;
    return saveEdit(db, meta, {
      entityType: "company",
      action: archiving ? "company.archived" : "company.updated",
      current,
      next,
      view: toCompanyView,
      stillValid: archiving ? sql`${unchangedSql(current)} AND ${stillFreeToArchive}` : unchangedSql(current),
      update: db.update(companies).set(changes).where(eq(companies.id, id)),
      mapError: nameTaken,
    });
  });
}

/** Archiving is an update to `active: false`; the company's record and history stay. */
export function archiveCompany(
  db: Database,
  id: string,
  expectedVersion: number | null,
  meta: RequestMeta,
  stillFreeToArchive: SQL,
): Promise<CompanyView> {
  return updateCompany(db, id, { active: false }, expectedVersion, meta, stillFreeToArchive);
}

/** The guard a dispatch needs: the company exists and is active when the dispatch is written. */
export const companyActiveSql = (companyId: string) =>
  sql`EXISTS (SELECT 1 FROM companies WHERE id = ${companyId} AND active = 1)`;
