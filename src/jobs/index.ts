/*
 * The one list of scheduled work. Each schedule here is a cron of wrangler.toml
 * `[triggers]`; each names the jobs it runs. Every module keeps its own retention
 * function for its own tables; this file only decides when they run.
 */
import type { Database } from "../db/client";
import { createDb } from "../db/client";
import { log } from "../lib/log";
import { pruneIdempotencyKeys } from "../middleware/idempotency";
import { pruneExpiredSessions } from "../modules/auth";
import { dispatchStock, finishReturns, sweepOverdueDispatches } from "../modules/dispatches";
import { pruneEvents, sweepOutbox } from "../modules/events";
import { expireExports, resumeStalledExports } from "../modules/exports";
import { resumeStalledImports } from "../modules/imports";
import { startMissingFlows } from "../modules/orders";
import { failStalledDeliveries, pruneDeliveries, sweepUndispatched } from "../modules/webhooks";

type Job = () => Promise<unknown>;
type Schedule = (env: Env, db: Database, now: number) => Record<string, Job>;

export const SCHEDULES: Record<string, Schedule> = {
  /** Every minute: outbox re-send, undispatched webhooks, order flows that should exist and don't, dispatch sweeps. */
  "* * * * *": (env, db, now) => ({
    outbox: () => sweepOutbox(db, env.EVENTS, now),
    webhookDispatch: () => sweepUndispatched(db, env.WEBHOOKS, now),
    orderFlows: () => startMissingFlows(db, env.ORDER_FLOW, now),
    overdueDispatches: () => sweepOverdueDispatches(db, now),
    dispatchReturns: () => finishReturns(db, dispatchStock(env), now),
    exports: () => resumeStalledExports(db, env.JOBS, now),
    imports: () => resumeStalledImports(db, env.JOBS, now),
  }),
  /** Hourly: retention, and deliveries whose queue message was lost. */
  "17 * * * *": (env, db, now) => ({
    sessions: () => pruneExpiredSessions(db, now),
    idempotencyKeys: () => pruneIdempotencyKeys(db, now),
    events: () => pruneEvents(db, now),
    deliveries: () => pruneDeliveries(db, now),
    stalledDeliveries: () => failStalledDeliveries(db, now),
    exportFiles: () => expireExports(db, env.FILES, now),
  }),
};

/** Runs every job even when one fails, so one broken sweep does not starve the others. */
async function runAll(cron: string, jobs: Record<string, Job>): Promise<void> {
  const names = Object.keys(jobs);
  const results = await Promise.allSettled(Object.values(jobs).map((job) => job()));
  results.forEach((result, i) => {
    if (result.status === "rejected") log.error("scheduled job failed", { cron, job: names[i], error: result.reason });
  });
}

/** Cron dispatch. A schedule this list does not know fails loudly, like an unknown queue. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const schedule = SCHEDULES[controller.cron];
  if (!schedule) throw new Error(`Unknown cron schedule "${controller.cron}": list it in src/jobs/index.ts`);
  await runAll(controller.cron, schedule(env, createDb(env.DB), controller.scheduledTime));
}
