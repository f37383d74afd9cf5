import type { Actor } from "../../context";
import { isGuardFailure, runBatch, type Statement } from "../../db/batch";
import type { ReturnStatus } from "../../db/schema";
import { invalidTransition } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { type EventType, eventRecorded } from "../events";
import type { OrderDeps } from "../orders";
import { getReturn } from "./queries";
import { type LoadedReturn, loadReturn } from "./store";
import { assertReturnTransition, type ReturnTransition, returnTransitionStatements } from "./transitions";

export interface ReturnStep {
  to: ReturnStatus;
  action: string;
  /** The transition and the rows that go with it, from the return as read. */
  build(loaded: LoadedReturn, now: string): Promise<{ transition: ReturnTransition; extra?: Statement[] }>;
}

/**
 * Runs one step of a return as one guarded batch. Of racing steps (twenty clicks on
 * "approve" with twenty keys) the first commits and the others find the return moved
 * on: 409 INVALID_TRANSITION, nothing written. The step's event id comes from the
 * request's Idempotency-Key (`keyedId`): a retry whose first run committed finds that
 * event where the return has moved on, and answers with the return instead.
 */
export async function stepReturn(
  deps: OrderDeps,
  id: string,
  step: ReturnStep,
  actor: Actor,
  meta: RequestMeta,
  eventId: string,
) {
  const loaded = await loadReturn(deps.db, id, actor);
  const committed = () => eventRecorded(deps.db, eventId);
  try {
    assertReturnTransition(loaded.ret, step.to, step.action);
  } catch (err) {
    if (await committed()) return getReturn(deps.db, id, actor);
    throw err;
  }
  const now = nowIso();
  const built = await step.build(loaded, now);
  const transition = { ...built.transition, eventId };
  try {
    await runBatch(deps.db, [
      ...returnTransitionStatements(deps.db, meta, loaded.ret, transition, now),
      ...(built.extra ?? []),
    ]);
  } catch (err) {
    if (await committed()) return getReturn(deps.db, id, actor);
    if (!isGuardFailure(err)) throw err;
    const current = await getReturn(deps.db, id, actor);
    throw invalidTransition(`The return changed meanwhile (it is now ${current.status}); it cannot be ${step.action}.`);
  }
  return getReturn(deps.db, id, actor);
}

const decision = (
  to: ReturnStatus,
  action: string,
  event: EventType,
  stamp: "approvedAt" | "rejectedAt" | "closedAt",
  reason: string | null,
): ReturnStep => ({
  to,
  action,
  build: async (_loaded, now) => ({
    transition: { to, event, set: { [stamp]: now, decisionReason: reason }, eventData: reason ? { reason } : {} },
  }),
});

/** Who asks for a step, and the event id their Idempotency-Key derived for it. */
export interface StepRequest {
  actor: Actor;
  meta: RequestMeta;
  eventId: string;
}

export const approveReturn = (deps: OrderDeps, id: string, note: string | null, r: StepRequest) =>
  stepReturn(
    deps,
    id,
    decision("approved", "approved", "return.approved", "approvedAt", note),
    r.actor,
    r.meta,
    r.eventId,
  );

export const rejectReturn = (deps: OrderDeps, id: string, reason: string, r: StepRequest) =>
  stepReturn(
    deps,
    id,
    decision("rejected", "rejected", "return.rejected", "rejectedAt", reason),
    r.actor,
    r.meta,
    r.eventId,
  );

export const closeReturn = (deps: OrderDeps, id: string, note: string | null, r: StepRequest) =>
  stepReturn(deps, id, decision("closed", "closed", "return.closed", "closedAt", note), r.actor, r.meta, r.eventId);
