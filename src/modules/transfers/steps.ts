import { and, eq, isNull, sql } from "drizzle-orm";
import { guard, isGuardFailure, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { transferLines, transfers } from "../../db/schema";
import { badRequest, conflict, insufficientStock, invalidTransition } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert, eventRecorded } from "../events";
import { requireLocations } from "../locations";
import { type InventoryDO, type Refusal, refusalError, stockObject } from "../stock";
import { type TransferLineRow, type TransferRow, type TransferView, toTransferView } from "./schemas";
import { loadTransfer } from "./service";

type Objects = DurableObjectNamespace<InventoryDO>;

export interface StepActor {
  id: string;
  idempotencyKey: string;
  /**
   * The step's event id, derived from the caller and the key (`keyedId`): a retry whose
   * first run committed finds that event, so it replays the (idempotent) stock moves and
   * answers with the transfer instead of refusing a step that already happened.
   */
  eventId: string;
}

interface LineOutcome {
  product_id: string;
  ok: boolean;
  error: { code: string; detail: string } | null;
  /** The object's counts for this transfer, when it has any. */
  counts: { shipped: number; received: number; lost: number } | null;
}

function failed(productId: string, refusal: Refusal): LineOutcome {
  const error = refusalError(refusal);
  return { product_id: productId, ok: false, error: { code: error.code, detail: error.message }, counts: null };
}

/** The D1 statement taking a line's counts from its object; counts only grow, so a stale write cannot undo a newer one. */
function lineCounts(db: Database, transferId: string, o: LineOutcome): Statement[] {
  if (!o.counts) return [];
  return [
    db
      .update(transferLines)
      .set({
        shipped: sql`max(${transferLines.shipped}, ${o.counts.shipped})`,
        received: sql`max(${transferLines.received}, ${o.counts.received})`,
        lost: sql`max(${transferLines.lost}, ${o.counts.lost})`,
      })
      .where(and(eq(transferLines.transferId, transferId), eq(transferLines.productId, o.product_id))),
  ];
}

function withCounts(lines: TransferLineRow[], outcomes: LineOutcome[]): TransferLineRow[] {
  return lines.map((l) => {
    const c = outcomes.find((o) => o.product_id === l.productId)?.counts;
    return c
      ? {
          ...l,
          shipped: Math.max(l.shipped, c.shipped),
          received: Math.max(l.received, c.received),
          lost: Math.max(l.lost, c.lost),
        }
      : l;
  });
}

const eventData = (view: TransferView) => ({
  id: view.id,
  version: view.version,
  status: view.status,
  from_location_id: view.from_location_id,
  to_location_id: view.to_location_id,
  lines: view.lines,
});

const results = (outcomes: LineOutcome[]) => outcomes.map(({ counts: _c, ...r }) => r);

/** Ships every line; lines the origin cannot cover are refused alone. If none ships, nothing changes (409). */
export async function shipTransfer(db: Database, objects: Objects, id: string, actor: StepActor, meta: RequestMeta) {
  const { row, lines } = await loadTransfer(db, id);
  if (row.status !== "draft" && !(await eventRecorded(db, actor.eventId))) {
    throw invalidTransition(`The transfer is ${row.status}; only a draft can be shipped.`);
  }
  if (row.status === "draft") {
    // Both places must still exist: a draft may outlive its destination's deletion.
    await requireLocations(db, [row.fromLocationId, row.toLocationId]);
    // Claimed before any stock moves: from here a racing cancel is refused (see cancelTransfer).
    const [claimed] = await db
      .update(transfers)
      .set({ shipStartedAt: sql`coalesce(${transfers.shipStartedAt}, ${nowIso()})` })
      .where(and(eq(transfers.id, id), eq(transfers.status, "draft")))
      .returning({ id: transfers.id });
    if (!claimed) throw invalidTransition("The transfer changed meanwhile; fetch it again.");
  }
  const outcomes = await Promise.all(
    lines.map(async (line): Promise<LineOutcome> => {
      const stub = stockObject(objects, line.productId);
      const result = await stub.shipTransfer({
        movement_id: await derivedId("mov", row.id, line.productId, "ship"),
        transfer_id: row.id,
        from_location_id: row.fromLocationId,
        to_location_id: row.toLocationId,
        qty: line.qty,
        note: row.note,
        actor: actor.id,
      });
      if (!result.ok && result.code !== "TRANSFER_CONFLICT") return failed(line.productId, result);
      const counts = await stub.transfer(row.id);
      return { product_id: line.productId, ok: true, error: null, counts };
    }),
  );
  if (!outcomes.some((o) => o.ok)) {
    // Nothing moved: the draft may be cancelled again.
    await db
      .update(transfers)
      .set({ shipStartedAt: null })
      .where(and(eq(transfers.id, id), eq(transfers.status, "draft")));
    throw insufficientStock("No line of the transfer could be shipped; nothing moved.", { results: results(outcomes) });
  }
  const now = nowIso();
  const after: TransferRow = { ...row, status: "shipped", shippedAt: now, updatedAt: now, version: row.version + 1 };
  const view = toTransferView(after, withCounts(lines, outcomes));
  const still = and(eq(transfers.id, id), eq(transfers.status, "draft"));
  try {
    await runBatch(db, [
      guard(db, sql`EXISTS (SELECT 1 FROM ${transfers} WHERE ${still})`),
      ...outcomes.flatMap((o) => lineCounts(db, id, o)),
      db
        .update(transfers)
        .set({ status: "shipped", shippedAt: now, updatedAt: now, version: after.version })
        .where(still),
      eventInsert(db, {
        id: actor.eventId,
        type: "transfer.shipped",
        resourceType: "transfer",
        resourceId: id,
        data: eventData(view),
      }).statement,
      auditInsert(db, meta, { action: "transfer.shipped", entityType: "transfer", entityId: id, after: view }),
    ]);
  } catch (err) {
    // A concurrent ship of the same transfer won: its objects' moves are the same ones (same ids).
    if (isGuardFailure(err))
      return { transfer: toTransferView((await loadTransfer(db, id)).row, lines), results: results(outcomes) };
    throw err;
  }
  return { transfer: view, results: results(outcomes) };
}

/** Receives (part of) what is in transit; `lost` writes units off. Each line succeeds or fails alone. */
export async function receiveTransfer(
  db: Database,
  objects: Objects,
  id: string,
  input: { lines: { product_id: string; received: number; lost: number }[]; note?: string | undefined },
  actor: StepActor,
  meta: RequestMeta,
) {
  const { row, lines } = await loadTransfer(db, id);
  const receivable = row.status === "shipped" || row.status === "partially_received";
  if (!receivable && !(await eventRecorded(db, actor.eventId))) {
    throw invalidTransition(`The transfer is ${row.status}; only a shipped one can be received.`);
  }
  const known = new Set(lines.map((l) => l.productId));
  const unknown = input.lines.filter((l) => !known.has(l.product_id));
  if (unknown.length > 0 || new Set(input.lines.map((l) => l.product_id)).size !== input.lines.length) {
    throw badRequest("Every line must name a product of this transfer, once.", [
      { path: "lines", message: "Unknown or repeated product" },
    ]);
  }
  const outcomes = await Promise.all(
    input.lines.map(async (line): Promise<LineOutcome> => {
      const stub = stockObject(objects, line.product_id);
      const result = await stub.receiveTransfer({
        movement_id: await derivedId("mov", actor.id, actor.idempotencyKey, row.id, line.product_id),
        transfer_id: row.id,
        received: line.received,
        lost: line.lost,
        note: input.note ?? null,
        actor: actor.id,
      });
      if (!result.ok) return failed(line.product_id, result);
      return { product_id: line.product_id, ok: true, error: null, counts: await stub.transfer(row.id) };
    }),
  );
  const counted = withCounts(lines, outcomes);
  const done = counted.every((l) => l.received + l.lost === l.shipped);
  const now = nowIso();
  const after: TransferRow = {
    ...row,
    status: done ? "received" : "partially_received",
    receivedAt: done ? now : row.receivedAt,
    updatedAt: now,
    version: row.version + 1,
  };
  const view = toTransferView(after, counted);
  if (!outcomes.some((o) => o.ok)) {
    throw conflict("No line of the receipt could be taken; nothing moved.", { results: results(outcomes) });
  }
  // Counts come from the objects and only grow, so concurrent receipts need no version guard.
  const allDone = sql`NOT EXISTS (SELECT 1 FROM ${transferLines} WHERE ${transferLines.transferId} = ${id} AND ${transferLines.received} + ${transferLines.lost} < ${transferLines.shipped})`;
  const current = async () => ({
    transfer: await loadTransfer(db, id).then((t) => toTransferView(t.row, t.lines)),
    results: results(outcomes),
  });
  try {
    await runBatch(db, [
      ...outcomes.flatMap((o) => lineCounts(db, id, o)),
      db
        .update(transfers)
        .set({
          status: sql`CASE WHEN ${allDone} THEN 'received' ELSE 'partially_received' END`,
          receivedAt: sql`CASE WHEN ${allDone} THEN coalesce(${transfers.receivedAt}, ${now}) ELSE NULL END`,
          updatedAt: now,
          version: sql`${transfers.version} + 1`,
        })
        .where(eq(transfers.id, id)),
      eventInsert(db, {
        id: actor.eventId,
        type: "transfer.received",
        resourceType: "transfer",
        resourceId: id,
        data: eventData(view),
      }).statement,
      auditInsert(db, meta, { action: "transfer.received", entityType: "transfer", entityId: id, after: view }),
    ]);
  } catch (err) {
    // A retry whose first run committed: its event id is taken, and the moves only replayed.
    if (await eventRecorded(db, actor.eventId)) return current();
    throw err;
  }
  return current();
}

/**
 * Cancels a draft: nothing has moved, so only the document changes. A draft a ship has
 * claimed may have moved stock, so it is refused (until that ship finishes or is
 * repeated). A retry whose first run committed finds its `transfer.cancelled` event and
 * answers with the transfer.
 */
export async function cancelTransfer(db: Database, id: string, actor: StepActor, meta: RequestMeta) {
  const { row, lines } = await loadTransfer(db, id);
  if (row.status === "cancelled") {
    if (await eventRecorded(db, actor.eventId)) return toTransferView(row, lines);
    throw invalidTransition("The transfer is already cancelled.");
  }
  if (row.status !== "draft") {
    throw invalidTransition(
      `A ${row.status} transfer cannot be cancelled; receive what is in transit and write the rest off as lost.`,
    );
  }
  if (row.shipStartedAt !== null) {
    throw invalidTransition("The transfer is being shipped and can no longer be cancelled; ship it again to finish.");
  }
  const now = nowIso();
  const after: TransferRow = {
    ...row,
    status: "cancelled",
    cancelledAt: now,
    updatedAt: now,
    version: row.version + 1,
  };
  const view = toTransferView(after, lines);
  const still = and(
    eq(transfers.id, id),
    eq(transfers.status, "draft"),
    eq(transfers.version, row.version),
    isNull(transfers.shipStartedAt),
  );
  try {
    await runBatch(db, [
      guard(db, sql`EXISTS (SELECT 1 FROM ${transfers} WHERE ${still})`),
      db
        .update(transfers)
        .set({ status: "cancelled", cancelledAt: now, updatedAt: now, version: after.version })
        .where(still),
      eventInsert(db, {
        id: actor.eventId,
        type: "transfer.cancelled",
        resourceType: "transfer",
        resourceId: id,
        data: eventData(view),
      }).statement,
      auditInsert(db, meta, { action: "transfer.cancelled", entityType: "transfer", entityId: id, after: view }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw invalidTransition("The transfer changed meanwhile; fetch it again.");
    throw err;
  }
  return view;
}
