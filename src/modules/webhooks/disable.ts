/*
 * Disabling an endpoint, by a user or automatically (a 410 answer, or 50 failed
 * deliveries in a row). The update is guarded by the version read and by the
 * endpoint still being enabled; its audit row and its `webhook.endpoint_disabled`
 * event are written only if that exact update landed (the `last_change_id` token),
 * so concurrent disables emit one event, not two.
 */
import { and, eq, gte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type DisabledReason, webhookEndpoints } from "../../db/schema";
import { randomToken } from "../../lib/crypto";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsertIf } from "../events";

export const MAX_CONSECUTIVE_FAILURES = 50;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** The fields of a change, plus the token that proves it landed. */
export function guardedChange(endpointId: string) {
  const changeId = randomToken(12);
  const landed = sql`EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ${endpointId} AND last_change_id = ${changeId})`;
  return { changeId, landed };
}

export function disabledEvent(db: Database, endpoint: EndpointRow, reason: DisabledReason, onlyIf: SQL) {
  return eventInsertIf(
    db,
    {
      type: "webhook.endpoint_disabled",
      resourceType: "webhook_endpoint",
      resourceId: endpoint.id,
      data: {
        endpoint_id: endpoint.id,
        version: endpoint.version,
        url: endpoint.url,
        reason,
        consecutive_failures: endpoint.consecutiveFailures,
      },
    },
    onlyIf,
  ).statement;
}

const SYSTEM: RequestMeta = { actor: null, requestId: "webhooks-consumer", ip: null };

/**
 * Disables an endpoint on the consumer's behalf. With `reason` "consecutive_failures"
 * it only does so while the counter is still at the limit (a success may have reset
 * it meanwhile). Returns whether this call disabled it.
 */
export async function disableEndpointAutomatically(
  db: Database,
  endpointId: string,
  reason: Exclude<DisabledReason, "manual">,
): Promise<boolean> {
  for (let tries = 0; tries < 3; tries++) {
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).limit(1);
    if (!endpoint?.enabled) return false;
    const { changeId, landed } = guardedChange(endpointId);
    const now = nowIso();
    const after = {
      ...endpoint,
      enabled: false,
      disabledReason: reason,
      disabledAt: now,
      version: endpoint.version + 1,
    };
    const failuresAtLimit =
      reason === "consecutive_failures"
        ? gte(webhookEndpoints.consecutiveFailures, MAX_CONSECUTIVE_FAILURES)
        : undefined;
    const [updated] = await db.batch([
      db
        .update(webhookEndpoints)
        .set({
          enabled: false,
          disabledReason: reason,
          disabledAt: now,
          version: after.version,
          updatedAt: now,
          lastChangeId: changeId,
        })
        .where(
          and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.version, endpoint.version), failuresAtLimit),
        )
        .returning({ id: webhookEndpoints.id }),
      disabledEvent(db, after, reason, landed),
      auditInsert(
        db,
        SYSTEM,
        {
          action: "webhook.disabled",
          entityType: "webhook_endpoint",
          entityId: endpointId,
          before: { enabled: true, version: endpoint.version },
          after: { enabled: false, disabled_reason: reason, version: after.version },
        },
        landed,
      ),
    ]);
    if (updated.length > 0) return true;
    if (failuresAtLimit) {
      const [current] = await db
        .select({ failures: webhookEndpoints.consecutiveFailures })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpointId));
      if (!current || current.failures < MAX_CONSECUTIVE_FAILURES) return false;
    }
  }
  return false;
}
