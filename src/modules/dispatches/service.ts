/*
 * Dispatches of stock and samples to a company (and one of its projects), from one
 * location. Rules: the company is active and the project is its own and not closed, both
 * when the dispatch is drafted and when it leaves (re-checked inside the write). Each
 * dispatch takes the next number of the year's `DSP` series in the batch that creates it,
 * as invoices do, so numbers are gap-free. Status moves only along
 * draft → dispatched → partially_returned → returned → closed (a return that leaves nothing
 * out, with something consumed or lost, closes it at once), or draft → cancelled; every
 * other move is 409 INVALID_TRANSITION. Contents change only while it is a draft.
 * Every write is guarded on the version read and carries its event and audit row.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import { guard, isGuardFailure, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { type DispatchStatus, dispatches } from "../../db/schema";
import { badRequest, conflict, invalidTransition } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { checkVersion, companyActiveSql, loadCompany, loadProject, projectOpenSql } from "../companies";
import { eventInsert, eventInsertFilled } from "../events";
import { bumpCounter, numberSql, sequenceSql } from "../invoices";
import { checkContents, contentInserts, replaceContents } from "./contents";
import type { CreateDispatchInput, DispatchView, UpdateDispatchInput } from "./schemas";
import { type DispatchRow, type DispatchState, dispatchEventData, loadDispatch, toDispatchView } from "./store";

export async function checkParties(db: Database, companyId: string, projectId: string | null): Promise<void> {
  const company = await loadCompany(db, companyId).catch(() => {
    throw badRequest("The company does not exist.", [{ path: "company_id", message: "Unknown company" }]);
  });
  if (!company.active) throw conflict("The company is archived; it takes no new dispatches.");
  if (projectId === null) return;
  const project = await loadProject(db, projectId).catch(() => {
    throw badRequest("The project does not exist.", [{ path: "project_id", message: "Unknown project" }]);
  });
  if (project.companyId !== companyId) {
    throw badRequest("The project belongs to another company.", [{ path: "project_id", message: "Not the company's" }]);
  }
  if (project.status === "closed") throw conflict("The project is closed; it takes no new dispatches.");
}

/** Inside a dispatch's batch: the company may still receive it and the project is still open. */
export function partiesStillOpen(d: { companyId: string; projectId: string | null }): SQL {
  const company = companyActiveSql(d.companyId);
  return d.projectId === null ? company : sql`${company} AND ${projectOpenSql(d.projectId, d.companyId)}`;
}

/** The guard of every change to a dispatch: it is still in the status and version the service read. */
export const unchangedSql = (d: DispatchRow): SQL =>
  sql`EXISTS (SELECT 1 FROM dispatches WHERE id = ${d.id} AND status = ${d.status} AND version = ${d.version})`;

export async function createDispatch(
  db: Database,
  input: CreateDispatchInput,
  locationId: string,
  meta: RequestMeta,
): Promise<DispatchView> {
  const projectId = input.project_id ?? null;
  await checkParties(db, input.company_id, projectId);
  const contents = await checkContents(db, input.lines ?? [], input.samples ?? []);
  const now = nowIso();
  const year = new Date(now).getUTCFullYear();
  const id = newId("dsp");
  const row = {
    id,
    year,
    companyId: input.company_id,
    projectId,
    locationId,
    destinationName: input.destination.name,
    destinationAddress: input.destination.address ?? null,
    carrier: input.carrier ?? null,
    trackingNumber: input.tracking_number ?? null,
    expectedReturnAt: input.expected_return_at ?? null,
    notes: input.notes ?? null,
    status: "draft" as const,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const draft: DispatchState = {
    dispatch: {
      ...row,
      number: "",
      sequence: 0,
      dispatchedAt: null,
      closedAt: null,
      cancelledAt: null,
      sendingKey: null,
      sendingAt: null,
      overdueEventId: null,
    },
    lines: contents.lines.map((l) => ({ ...l, dispatchId: id })),
    samples: { total: contents.sampleIds.length, out: 0, returned: 0, consumed: 0 },
  };
  await runBatch(db, [
    guard(db, partiesStillOpen(row)),
    bumpCounter(db, "DSP", year),
    db.insert(dispatches).values({ ...row, number: numberSql("DSP", year), sequence: sequenceSql("DSP", year) }),
    ...contentInserts(db, id, contents),
    // The number exists only once the batch allocates it, so the event reads it from the row.
    eventInsertFilled(
      db,
      { type: "dispatch.created", resourceType: "dispatch", resourceId: id, data: dispatchEventData(draft) },
      { number: sql`(SELECT number FROM dispatches WHERE id = ${id})` },
    ).statement,
    auditInsert(db, meta, {
      action: "dispatch.created",
      entityType: "dispatch",
      entityId: id,
      after: {
        company_id: row.companyId,
        project_id: projectId,
        lines: contents.lines.length,
        samples: contents.sampleIds.length,
      },
    }),
  ]).catch((err) => {
    throw mapGuard(err, "The company or project changed meanwhile; check them and retry.");
  });
  return toDispatchView(await loadDispatch(db, id));
}

function mapGuard(err: unknown, detail: string): unknown {
  return isGuardFailure(err) ? conflict(detail) : err;
}

const EDITABLE: DispatchStatus[] = ["draft", "dispatched", "partially_returned", "returned"];

export function updateDispatch(
  db: Database,
  id: string,
  input: UpdateDispatchInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<DispatchView> {
  return retryOnRace(async () => {
    const state = await loadDispatch(db, id);
    const current = state.dispatch;
    checkVersion(current, expectedVersion);
    if (!EDITABLE.includes(current.status)) throw invalidTransition(`A ${current.status} dispatch cannot be edited.`);
    const touchesContents = input.lines !== undefined || input.samples !== undefined;
    if (touchesContents && current.status !== "draft") {
      throw invalidTransition("Lines and samples can change only while the dispatch is a draft.");
    }
    if (touchesContents && current.sendingKey !== null) {
      throw conflict("The dispatch is being dispatched; its contents cannot change now.");
    }
    const contents = touchesContents ? await checkContents(db, input.lines ?? [], input.samples ?? []) : null;
    const changes = {
      destinationName: input.destination?.name ?? current.destinationName,
      destinationAddress:
        input.destination?.address === undefined ? current.destinationAddress : input.destination.address,
      carrier: input.carrier === undefined ? current.carrier : input.carrier,
      trackingNumber: input.tracking_number === undefined ? current.trackingNumber : input.tracking_number,
      expectedReturnAt: input.expected_return_at === undefined ? current.expectedReturnAt : input.expected_return_at,
      notes: input.notes === undefined ? current.notes : input.notes,
      version: current.version + 1,
      updatedAt: nowIso(),
    };
    await runBatch(db, [
      guard(db, unchangedSql(current)),
      db.update(dispatches).set(changes).where(eq(dispatches.id, id)),
      ...(contents ? replaceContents(db, id, contents) : []),
      auditInsert(db, meta, {
        action: "dispatch.updated",
        entityType: "dispatch",
        entityId: id,
        before: toDispatchView(state),
        after: { ...changes, contents_replaced: contents !== null },
      }),
    ]);
    return toDispatchView(await loadDispatch(db, id));
  });
}

/**
 * A status change with nothing else to write: cancel a draft, close a returned dispatch.
 * `also` runs after the batch commits (a cancelled draft gives back stock a crashed
 * dispatch attempt may have taken).
 */
export function moveDispatch(
  db: Database,
  id: string,
  move: { from: DispatchStatus[]; to: "cancelled" | "closed"; event: "dispatch.cancelled" | "dispatch.closed" },
  expectedVersion: number | null,
  meta: RequestMeta,
  also?: (state: DispatchState) => Promise<void>,
): Promise<DispatchView> {
  return retryOnRace(async () => {
    const state = await loadDispatch(db, id);
    const current = state.dispatch;
    checkVersion(current, expectedVersion);
    if (!move.from.includes(current.status)) {
      throw invalidTransition(`A ${current.status} dispatch cannot be ${move.to}.`);
    }
    const now = nowIso();
    const next: DispatchRow = {
      ...current,
      status: move.to,
      version: current.version + 1,
      updatedAt: now,
      ...(move.to === "cancelled" ? { cancelledAt: now } : { closedAt: now }),
    };
    const after: DispatchState = { ...state, dispatch: next };
    await runBatch(db, [
      guard(db, unchangedSql(current)),
      db
        .update(dispatches)
        .set({
          status: next.status,
          version: next.version,
          updatedAt: now,
          cancelledAt: next.cancelledAt,
          closedAt: next.closedAt,
        })
        .where(eq(dispatches.id, id)),
      eventInsert(db, { type: move.event, resourceType: "dispatch", resourceId: id, data: dispatchEventData(after) })
        .statement,
      auditInsert(db, meta, {
        action: move.event,
        entityType: "dispatch",
        entityId: id,
        before: { status: current.status },
        after: { status: next.status },
      }),
    ]);
    await also?.(after);
    return toDispatchView(after);
  });
}
