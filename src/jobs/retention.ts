import { lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { refreshTokens, sessions } from "../db/schema";

/**
 * Deletes refresh tokens and sessions that expired more than a day ago. They can no
 * longer be used; the day of grace keeps reuse detection meaningful just after expiry.
 */
export async function pruneExpiredSessions(db: Database, now = Date.now()): Promise<void> {
  const cutoff = new Date(now - 24 * 60 * 60 * 1000).toISOString();
  await db.batch([
    db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, cutoff)),
    db.delete(sessions).where(lt(sessions.expiresAt, cutoff)),
  ]);
}
