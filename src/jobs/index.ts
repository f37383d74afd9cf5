import { createDb } from "../db/client";
import { pruneExpiredSessions } from "./retention";

/** Cron dispatch: the schedules are declared in wrangler.toml `[triggers]`. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const db = createDb(env.DB);
  switch (controller.cron) {
    case "17 * * * *":
      await pruneExpiredSessions(db, controller.scheduledTime);
      break;
    default:
      break;
  }
}
