import { createDb } from "../db/client";
import { dispatchStock, finishReturns, sweepOverdueDispatches } from "../modules/dispatches";
import { sweepOutbox } from "../modules/events/publisher";
import { pruneEvents } from "../modules/events/retention";
import { runOrderSweeps } from "../modules/orders/sweeps";
import { sweepUndispatched } from "../modules/webhooks/deliveries/dispatch";
import { failStalledDeliveries } from "../modules/webhooks/deliveries/outcome";
import { pruneExpiredSessions } from "./retention";

type Job = () => Promise<unknown>;

/** Runs every job even when one fails, so one broken sweep does not starve the others. */
async function runAll(cron: string, jobs: Record<string, Job>): Promise<void> {
  const results = await Promise.allSettled(Object.values(jobs).map((job) => job()));
  const names = Object.keys(jobs);
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      console.error(JSON.stringify({ level: "error", cron, job: names[i], error: String(result.reason) }));
    }
  });
}

/** Cron dispatch: the schedules are declared in wrangler.toml `[triggers]`. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const db = createDb(env.DB);
  const now = controller.scheduledTime;
  switch (controller.cron) {
    case "* * * * *":
      await runAll(controller.cron, {
        outbox: () => sweepOutbox(db, env.EVENTS, now),
        webhookDispatch: () => sweepUndispatched(db, env.WEBHOOKS, now),
        orders: () => runOrderSweeps(env, now),
        overdueDispatches: () => sweepOverdueDispatches(db, now),
        dispatchReturns: () => finishReturns(db, dispatchStock(env), now),
      });
      break;
    case "17 * * * *":
      await runAll(controller.cron, {
        sessions: () => pruneExpiredSessions(db, now),
        events: () => pruneEvents(db, now),
        stalledDeliveries: () => failStalledDeliveries(db, now),
      });
      break;
    default:
      break;
  }
}
