/*
 * Webhook endpoints. A URL must pass the SSRF policy (https, public host) every
 * time it is set; subscriptions must name real catalog types or patterns. The
 * signing secret is generated here, returned only by create and rotate, and stored
 * only encrypted. Changes are versioned (If-Match) and guarded in the UPDATE itself;
 * each writes its audit row in the same batch. Disabling by hand emits
 * `webhook.endpoint_disabled` like an automatic disable; enabling again clears the
 * failure count. Deleting removes the endpoint with its deliveries and attempts.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { webhookEndpoints } from "../../db/schema";
import { notFound, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { isoInSeconds, nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { disabledEvent, guardedChange } from "./disable";
import { checkedPatterns, checkedUrl, type WebhookSettings } from "./endpoint-input";
import type { CreateWebhookEndpoint, UpdateWebhookEndpoint } from "./schemas";
import { toEndpointResponse } from "./schemas";
import { generateSecret, ROTATION_OVERLAP_MS, sealSecret } from "./secrets";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export async function loadEndpoint(db: Database, id: string): Promise<EndpointRow> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1);
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export async function createEndpoint(
  db: Database,
  settings: WebhookSettings,
  input: CreateWebhookEndpoint,
  meta: RequestMeta,
) {
  const id = newId("whk");
  const secret = generateSecret();
  const now = nowIso();
  const row: EndpointRow = {
    id,
    url: checkedUrl(input.url, settings),
    description: input.description,
    eventTypes: checkedPatterns(input.event_types),
    enabled: input.enabled,
    disabledReason: input.enabled ? null : "manual",
    disabledAt: input.enabled ? null : now,
    rateLimitPerSecond: input.rate_limit_per_second,
    paceAt: null,
    heldUntil: null,
    secretCiphertext: await sealSecret(settings.encryptionKey, id, secret),
    previousSecretCiphertext: null,
    previousSecretExpiresAt: null,
    consecutiveFailures: 0,
    lastChangeId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const response = toEndpointResponse(row);
  await db.batch([
    db.insert(webhookEndpoints).values(row),
    auditInsert(db, meta, { action: "webhook.created", entityType: "webhook_endpoint", entityId: id, after: response }),
  ]);
  return { ...response, secret };
}

export async function listEndpoints(
  db: Database,
  filter: { limit: number; cursor?: string | undefined; enabled?: boolean | undefined },
) {
  const where: SQL[] = [];
  if (filter.enabled !== undefined) where.push(eq(webhookEndpoints.enabled, filter.enabled));
  if (filter.cursor) where.push(lt(webhookEndpoints.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(...where))
    .orderBy(desc(webhookEndpoints.id))
    .limit(filter.limit + 1);
  return toPage(
    rows,
    filter.limit,
    (r) => [r.id],
    (r) => toEndpointResponse(r),
  );
}

export async function getEndpoint(db: Database, id: string) {
  return toEndpointResponse(await loadEndpoint(db, id));
}

/** Runs a versioned update of the endpoint, with its audit row (and event) only if it landed. */
async function applyChange(
  db: Database,
  before: EndpointRow,
  changes: Partial<EndpointRow>,
  action: string,
  meta: RequestMeta,
) {
  const { changeId, landed } = guardedChange(before.id);
  const after: EndpointRow = { ...before, ...changes, version: before.version + 1, updatedAt: nowIso() };
  const disabling = before.enabled && !after.enabled;
  const [updated] = await db.batch([
    db
      .update(webhookEndpoints)
      .set({ ...changes, version: after.version, updatedAt: after.updatedAt, lastChangeId: changeId })
      .where(and(eq(webhookEndpoints.id, before.id), eq(webhookEndpoints.version, before.version)))
      .returning({ id: webhookEndpoints.id }),
    auditInsert(
      db,
      meta,
      {
        action: disabling ? "webhook.disabled" : action,
        entityType: "webhook_endpoint",
        entityId: before.id,
        before: toEndpointResponse(before),
        after: toEndpointResponse(after),
      },
      landed,
    ),
    ...(disabling ? [disabledEvent(db, after, "manual", landed)] : []),
  ]);
  if (updated.length === 0) throw preconditionFailed();
  return after;
}

export async function updateEndpoint(
  db: Database,
  settings: WebhookSettings,
  id: string,
  input: UpdateWebhookEndpoint,
  expectedVersion: number | null,
  meta: RequestMeta,
) {
  const before = await loadEndpoint(db, id);
  if (expectedVersion !== null && expectedVersion !== before.version) throw preconditionFailed();
  const changes: Partial<EndpointRow> = {};
  if (input.url !== undefined) changes.url = checkedUrl(input.url, settings);
  if (input.event_types !== undefined) changes.eventTypes = checkedPatterns(input.event_types);
  if (input.description !== undefined) changes.description = input.description;
  if (input.rate_limit_per_second !== undefined) changes.rateLimitPerSecond = input.rate_limit_per_second;
  if (input.enabled === true && !before.enabled) {
    Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
  } else if (input.enabled === false && before.enabled) {
    Object.assign(changes, { enabled: false, disabledReason: "manual", disabledAt: nowIso() });
  }
  return toEndpointResponse(await applyChange(db, before, changes, "webhook.updated", meta));
}

export async function rotateSecret(
  db: Database,
  settings: WebhookSettings,
  id: string,
  expectedVersion: number | null,
  meta: RequestMeta,
) {
  const before = await loadEndpoint(db, id);
  if (expectedVersion !== null && expectedVersion !== before.version) throw preconditionFailed();
  const secret = generateSecret();
  const after = await applyChange(
    db,
    before,
    {
      secretCiphertext: await sealSecret(settings.encryptionKey, id, secret),
      previousSecretCiphertext: before.secretCiphertext,
      previousSecretExpiresAt: isoInSeconds(ROTATION_OVERLAP_MS / 1000),
    },
    "webhook.secret_rotated",
    meta,
  );
  return { ...toEndpointResponse(after), secret };
}

export async function deleteEndpoint(db: Database, id: string, meta: RequestMeta): Promise<void> {
  const before = await loadEndpoint(db, id);
  await db.batch([
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
    auditInsert(db, meta, {
      action: "webhook.deleted",
      entityType: "webhook_endpoint",
      entityId: id,
      before: toEndpointResponse(before),
    }),
  ]);
}
