import type { Actor } from "../../context";
import { isGuardFailure, runBatch, type Statement } from "../../db/batch";
import type { ReturnStatus } from "../../db/schema";
import { invalidTransition } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import type { EventType } from "../events";
import type { OrderDeps } from "../orders";
import { getReturn } from "./reads";
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
 * on: 409 INVALID_TRANSITION, nothing written.
 */
export async function stepReturn(deps: OrderDeps, id: string, step: ReturnStep, actor: Actor, meta: RequestMeta) {
  const loaded = await loadReturn(deps.db, id, actor);
  assertReturnTransition(loaded.ret, step.to, step.action);
  const now = nowIso();
  const { transition, extra = [] } = await step.build(loaded, now);
  try {
    await runBatch(deps.db, [...returnTransitionStatements(deps.db, meta, loaded.ret, transition, now), ...extra]);
  } catch (err) {
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

export const approveReturn = (deps: OrderDeps, id: string, note: string | null, actor: Actor, meta: RequestMeta) =>
  stepReturn(deps, id, decision("approved", "approved", "return.approved", "approvedAt", note), actor, meta);

export const rejectReturn = (deps: OrderDeps, id: string, reason: string, actor: Actor, meta: RequestMeta) =>
  stepReturn(deps, id, decision("rejected", "rejected", "return.rejected", "rejectedAt", reason), actor, meta);

export const closeReturn = (deps: OrderDeps, id: string, note: string | null, actor: Actor, meta: RequestMeta) =>
  stepReturn(deps, id, decision("closed", "closed", "return.closed", "closedAt", note), actor, meta);
