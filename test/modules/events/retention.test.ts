import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { ulid } from "ulidx";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { events, webhookAttempts, webhookDeliveries } from "../../../src/db/schema";
import worker from "../../../src/index";
import { failStalledDeliveries } from "../../../src/modules/webhooks/deliveries/outcome";
import { type SignedIn, signInAs } from "../../support/auth";
import { cleanupEndpoints, createEndpoint, db, writeEvent } from "../../support/webhooks";

const DAY = 24 * 60 * 60 * 1000;
let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});
afterEach(cleanupEndpoints);

/** An event and a delivery (with one attempt) as they would have been written `ageMs` ago. */
async function writeHistory(endpointId: string, ageMs: number) {
  const at = Date.now() - ageMs;
  const iso = new Date(at).toISOString();
  const eventId = `evt_${ulid(at).toLowerCase()}`;
  const deliveryId = `dlv_${ulid(at).toLowerCase()}`;
  await db.batch([
    db.insert(events).values({
      id: eventId,
      type: "order.paid",
      resourceType: "order",
      resourceId: "ord_old",
      data: { id: "ord_old", version: 1 },
      createdAt: iso,
      sentAt: iso,
    }),
    db.insert(webhookDeliveries).values({
      id: deliveryId,
      endpointId,
      eventId,
      eventType: "order.paid",
      status: "succeeded",
      createdAt: iso,
      updatedAt: iso,
    }),
    db.insert(webhookAttempts).values({ deliveryId, number: 1, run: 1, startedAt: iso, statusCode: 200, latencyMs: 5 }),
  ]);
  return { eventId, deliveryId };
}

describe("retention", () => {
  it("goes by when an event was written, not by its id (keyed steps derive theirs)", async () => {
    const hex = () => crypto.randomUUID().replaceAll("-", "").slice(0, 24);
    const iso = (ageMs: number) => new Date(Date.now() - ageMs).toISOString();
    const row = (id: string, createdAt: string) => ({
      id,
      type: "return.approved",
      resourceType: "return",
      resourceId: "ret_old",
      data: { id: "ret_old", version: 1 },
      createdAt,
    });
    // Sorting before today's time-based ids, yet written now and not even sent: it stays.
    const recent = `evt_00${hex()}`;
    // Sorting after every time-based id, yet 31 days old: it goes.
    const old = `evt_ff${hex()}`;
    await db.insert(events).values([row(recent, iso(0)), row(old, iso(31 * DAY))]);

    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: Date.now() }), env);

    const left = await db
      .select({ id: events.id })
      .from(events)
      .where(inArray(events.id, [recent, old]));
    expect(left.map((r) => r.id)).toEqual([recent]);
  });

  it("removes events, deliveries and attempts older than 30 days and keeps the rest", async () => {
    const endpoint = await createEndpoint(admin, { url: "https://example.com/retention", event_types: ["order.paid"] });
    const old = await writeHistory(endpoint.id, 31 * DAY);
    const recent = await writeHistory(endpoint.id, 29 * DAY);
    const fresh = await writeEvent("order.paid", { id: "ord_new", version: 1 });

    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: Date.now() }), env);

    const eventIds = (
      await db
        .select({ id: events.id })
        .from(events)
        .where(inArray(events.id, [old.eventId, recent.eventId, fresh]))
    ).map((r) => r.id);
    expect(eventIds.sort()).toEqual([recent.eventId, fresh].sort());
    const deliveries = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.id, [old.deliveryId, recent.deliveryId]));
    expect(deliveries.map((d) => d.id)).toEqual([recent.deliveryId]);
    expect(await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, old.deliveryId))).toHaveLength(
      0,
    );
    expect(
      await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, recent.deliveryId)),
    ).toHaveLength(1);

    // A second run leaves what is within retention alone.
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: Date.now() }), env);
    expect(await db.select().from(events).where(eq(events.id, recent.eventId))).toHaveLength(1);
  });

  it("marks failed a pending delivery whose next attempt is hours overdue (its queue message was lost)", async () => {
    const endpoint = await createEndpoint(admin, { url: "https://example.com/stalled", event_types: ["order.paid"] });
    const stalled = await writeHistory(endpoint.id, 2 * DAY);
    const waiting = await writeHistory(endpoint.id, 2 * DAY);
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000).toISOString();
    await db
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: hoursAgo(7) })
      .where(eq(webhookDeliveries.id, stalled.deliveryId));
    await db
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: hoursAgo(1) })
      .where(eq(webhookDeliveries.id, waiting.deliveryId));

    expect(await failStalledDeliveries(db)).toBeGreaterThanOrEqual(1);
    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.id, [stalled.deliveryId, waiting.deliveryId]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(stalled.deliveryId)).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("stalled"),
    });
    expect(byId.get(waiting.deliveryId)?.status).toBe("pending");
  });
});
