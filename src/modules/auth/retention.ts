import { inArray, lt, or } from "drizzle-orm";
import type { Database } from "../../db/client";
import { DAY_MS } from "../../db/retention";
import { refreshTokens, sessions } from "../../db/schema";

/**
 * Deletes refresh tokens and sessions that expired more than a day ago. They can no
 * longer be used; the day of grace keeps reuse detection meaningful just after expiry.
 * A token minted by a late rotation can outlive its session, so the tokens of every
 * pruned session go too (the foreign key would otherwise refuse the whole batch).
 */
export async function pruneExpiredSessions(db: Database, now = Date.now()): Promise<void> {
  const cutoff = new Date(now - DAY_MS).toISOString();
  const expiredSessions = db.select({ id: sessions.id }).from(sessions).where(lt(sessions.expiresAt, cutoff));
  await db.batch([
    db
      .delete(refreshTokens)
      .where(or(lt(refreshTokens.expiresAt, cutoff), inArray(refreshTokens.sessionId, expiredSessions))),
    db.delete(sessions).where(lt(sessions.expiresAt, cutoff)),
  ]);
}
