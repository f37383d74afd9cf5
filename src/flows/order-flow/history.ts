/*
 * An order's workflow instance as the Workflows API tells it: its status, and its
 * steps rebuilt from the instance's event stream (`subscribe()`), not from rows of
 * our own. The stream replays the whole history first, then waits for new events; for
 * an instance still running, the history is taken to be over once the stream has been
 * idle for a moment (stored events come back without waiting).
 */

import type { Database } from "../../db/client";
import { notFound } from "../../lib/errors";
import { findOrder } from "../../modules/orders";

const IDLE_MS = 200;
/** A bound on what one answer carries; an order's flow has a dozen steps. */
const MAX_EVENTS = 500;

export type StepKind = "do" | "wait" | "sleep";

export interface FlowStepView {
  name: string;
  kind: StepKind;
  status: "running" | "complete" | "errored" | "waiting" | "timed_out";
  attempts: number;
  started_at: string;
  ended_at: string | null;
  error: string | null;
}

export interface FlowView {
  order_id: string;
  status: InstanceStatus["status"] | "not_started";
  error: string | null;
  output: unknown;
  steps: FlowStepView[];
}

const at = (event: WorkflowInstanceEvent) => new Date(event.timestamp).toISOString();

/** Folds the instance's events into one entry per step, in the order the steps started. */
export function stepsOf(events: WorkflowInstanceEvent[]): FlowStepView[] {
  const steps = new Map<string, FlowStepView>();
  const open = (name: string, kind: StepKind, event: WorkflowInstanceEvent, status: FlowStepView["status"]) => {
    const found = steps.get(name);
    if (found) return found;
    const step: FlowStepView = { name, kind, status, attempts: 0, started_at: at(event), ended_at: null, error: null };
    steps.set(name, step);
    return step;
  };
  for (const event of events) {
    switch (event.type) {
      case "step_started":
        open(event.stepName, "do", event, "running");
        break;
      case "attempt_started":
        open(event.stepName, "do", event, "running").attempts = event.attempt;
        break;
      case "attempt_errored":
        open(event.stepName, "do", event, "running").error = event.error.message;
        break;
      case "step_completed":
        Object.assign(open(event.stepName, "do", event, "running"), {
          status: "complete",
          ended_at: at(event),
          error: null,
        });
        break;
      case "step_errored":
        Object.assign(open(event.stepName, "do", event, "running"), { status: "errored", ended_at: at(event) });
        break;
      case "wait_started":
        open(event.stepName, "wait", event, "waiting");
        break;
      case "wait_completed":
        Object.assign(open(event.stepName, "wait", event, "waiting"), { status: "complete", ended_at: at(event) });
        break;
      case "wait_timed_out":
        Object.assign(open(event.stepName, "wait", event, "waiting"), { status: "timed_out", ended_at: at(event) });
        break;
      case "sleep_started":
        open(event.stepName, "sleep", event, "waiting");
        break;
      case "sleep_completed":
        Object.assign(open(event.stepName, "sleep", event, "waiting"), { status: "complete", ended_at: at(event) });
        break;
      default:
        break;
    }
  }
  return [...steps.values()];
}

async function historyOf(instance: WorkflowInstance): Promise<WorkflowInstanceEvent[]> {
  const subscription = await instance.subscribe();
  const events: WorkflowInstanceEvent[] = [];
  try {
    while (events.length < MAX_EVENTS) {
      const next = await Promise.race([subscription.next(), scheduler.wait(IDLE_MS).then(() => null)]);
      if (next === null || next.done) break;
      events.push(next.value);
    }
  } finally {
    subscription[Symbol.dispose]();
  }
  return events;
}

export async function orderFlowView(db: Database, flow: Workflow, orderId: string): Promise<FlowView> {
  if (!(await findOrder(db, orderId))) throw notFound("Order");
  let instance: WorkflowInstance;
  try {
    instance = await flow.get(orderId);
  } catch {
    // Not created yet (its request died, or the order predates the workflow): the minute sweep starts it.
    return { order_id: orderId, status: "not_started", error: null, output: null, steps: [] };
  }
  const [status, events] = await Promise.all([instance.status(), historyOf(instance)]);
  return {
    order_id: orderId,
    status: status.status,
    error: status.error?.message ?? null,
    output: status.output ?? null,
    steps: stepsOf(events),
  };
}
