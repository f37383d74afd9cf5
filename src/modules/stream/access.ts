/*
 * What a live-stock socket may keep doing after the request that opened it. The
 * socket outlives its access token's request, so its hub checks again, every few
 * seconds, that the session or key it was opened with still works (a logout,
 * deactivation or revocation ends it), and that everyone but staff still watches
 * only published products. Non-staff get the same answer for a draft as for an
 * unknown id: neither is watched.
 */
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { workingApiKeyIds } from "../api-keys";
import { openSessionRoles } from "../auth";
import { publishedProductIds } from "../products";

/** The session or key a socket was opened with. */
export type StreamCredential = { kind: "session"; id: string } | { kind: "api_key"; id: string };

export interface StreamHolder {
  credential?: StreamCredential | undefined;
  /** Opened by staff (or a key that may read inventory): may watch every product, drafts too. */
  staff: boolean;
}

export function credentialOf(actor: Actor): StreamCredential {
  return actor.kind === "user" ? { kind: "session", id: actor.sessionId } : { kind: "api_key", id: actor.id };
}

/**
 * The holders that may no longer watch: their session was closed or their user
 * deactivated, their key revoked, or a staff session's user is now a customer.
 */
export async function endedHolders<T extends StreamHolder>(db: Database, holders: readonly T[]): Promise<Set<T>> {
  const ids = (kind: StreamCredential["kind"]) =>
    holders.flatMap((h) => (h.credential?.kind === kind ? [h.credential.id] : []));
  const [sessions, keys] = await Promise.all([
    openSessionRoles(db, ids("session")),
    workingApiKeyIds(db, ids("api_key")),
  ]);
  const stillWatching = (h: T): boolean => {
    if (h.credential?.kind === "api_key") return keys.has(h.credential.id);
    if (h.credential?.kind !== "session") return false;
    const role = sessions.get(h.credential.id);
    return role !== undefined && (!h.staff || role !== "customer");
  };
  return new Set(holders.filter((h) => !stillWatching(h)));
}

/** Of `productIds`, the ones this holder may not watch: none for staff, all but published products for everyone else. */
export async function hiddenProducts(
  db: Database,
  staff: boolean,
  productIds: readonly string[],
): Promise<Set<string>> {
  if (staff || productIds.length === 0) return new Set();
  const published = await publishedProductIds(db, productIds);
  return new Set(productIds.filter((id) => !published.has(id)));
}
