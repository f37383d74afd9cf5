import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { dispatches, OUT_STATUSES } from "../../db/schema";

/**
 * For the dashboard: dispatches with something still out, and those of them past their
 * expected return, as the dispatch module's outstanding list and overdue sweep define them.
 */
export async function outstandingCounts(db: Database, now: string) {
  const [row] = await db
    .select({
      outstanding: sql<number>`count(*)`,
      overdue: sql<number>`coalesce(sum(${dispatches.expectedReturnAt} < ${now}), 0)`,
    })
    .from(dispatches)
    .where(inArray(dispatches.status, [...OUT_STATUSES]));
  return { outstanding: row?.outstanding ?? 0, overdue: row?.overdue ?? 0 };
}
