import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { sessions } from "../../db/schema";
import { nowIso } from "../../lib/time";

/*
 * Ending a user's access belongs to the user record's lifecycle (deactivation, role or
 * password change), so it lives here and auth, which opens sessions, uses it too.
 */
/** Closes every open session of a user; `onlyIf` ties it to a guarded change in the same batch. */
export function revokeUserSessions(db: Database, userId: string, reason: string, onlyIf?: SQL) {
  return db
    .update(sessions)
    .set({ revokedAt: nowIso(), revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), onlyIf));
}
