import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { events, webhookDeliveries, webhookEndpoints } from "../../src/db/schema";
import { eventInsert } from "../../src/modules/events/outbox";
import type { DeliveryMessage } from "../../src/modules/webhooks/deliveries/dispatch";
import { fanOutEvents } from "../../src/modules/webhooks/deliveries/fan-out";
import { type SignedIn, signInAs } from "./auth";
import { db } from "./db";
import { call } from "./http";
import { captureQueue, runQueue } from "./queues";

export { captureQueue, db, runQueue };

export interface Received {
  url: string;
  headers: Headers;
  body: string;
  /** The sender's abort signal (its timeout), so an answer can see the sender give up. */
  signal: AbortSignal | null;
}

/** Answers a request; `count` is how many requests with this webhook-id this URL has had, this one included. */
type Answer = (request: Received, count: number) => Response | Promise<Response>;

/**
 * Receivers at the network edge: `fetch` calls to a registered URL are answered by
 * the test instead of leaving the worker; every other call goes through untouched.
 * The worker under test shares this isolate, so its queue consumers are covered too.
 * Other test files publish events as well, and while a test's endpoint exists they
 * may reach it: tests count by webhook-id, not by URL alone.
 */
export function mockReceivers() {
  const answers = new Map<string, Answer>();
  const received = new Map<string, Received[]>();
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const answer = answers.get(request.url);
    if (!answer) return original(input, init);
    const signal = init?.signal ?? null;
    const entry = { url: request.url, headers: request.headers, body: await request.text(), signal };
    const list = received.get(request.url) ?? [];
    list.push(entry);
    received.set(request.url, list);
    const id = entry.headers.get("webhook-id");
    const answered = Promise.resolve(answer(entry, list.filter((r) => r.headers.get("webhook-id") === id).length));
    if (!signal) return answered;
    // Like a real connection, a receiver that has not answered yet is cut off when the sender gives up.
    return new Promise<Response>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      answered.then(resolve, reject);
    });
  });
  return {
    /** A fresh receiver URL answered by `answer` (default: 204). */
    add(answer: Answer = () => new Response(null, { status: 204 })): string {
      const url = `https://hooks.example.com/${crypto.randomUUID()}`;
      answers.set(url, answer);
      return url;
    },
    answer(url: string, answer: Answer) {
      answers.set(url, answer);
    },
    /** What the URL received, only for these webhook-ids (event ids) when given. */
    received(url: string, ...webhookIds: string[]): Received[] {
      const all = received.get(url) ?? [];
      if (webhookIds.length === 0) return all;
      return all.filter((r) => webhookIds.includes(r.headers.get("webhook-id") ?? ""));
    },
    restore() {
      spy.mockRestore();
    },
  };
}

export type Receivers = ReturnType<typeof mockReceivers>;

/**
 * The set-up of a test file about webhooks: an admin to manage endpoints with and the
 * receivers, installed before its tests and removed after them; the endpoints a test
 * created go after each test. Read `admin` and `receivers` inside tests (they exist
 * once the set-up has run).
 */
export function useWebhookReceivers(): { readonly admin: SignedIn; readonly receivers: Receivers } {
  let admin: SignedIn | undefined;
  let receivers: Receivers | undefined;
  beforeAll(async () => {
    admin = await signInAs("admin");
    receivers = mockReceivers();
  });
  afterEach(cleanupEndpoints);
  afterAll(() => receivers?.restore());
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useWebhookReceivers: read admin and receivers inside a test");
    return value;
  };
  return {
    get admin() {
      return ready(admin);
    },
    get receivers() {
      return ready(receivers);
    },
  };
}

const created: string[] = [];

/** Creates an endpoint through the API; `cleanupEndpoints` deletes them after the test. */
export async function createEndpoint(
  admin: SignedIn,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string; version: number; url: string }> {
  const res = await call<{ id: string; secret: string; version: number; url: string }>("POST", "/v1/webhooks", {
    token: admin.token,
    body,
  });
  if (res.status !== 201) throw new Error(`endpoint creation failed: ${res.status} ${res.text}`);
  created.push(res.body.id);
  return res.body;
}

/** Removes this file's endpoints so other tests' events are not fanned out to them. */
export async function cleanupEndpoints(): Promise<void> {
  const ids = created.splice(0);
  if (ids.length > 0) await db.delete(webhookEndpoints).where(inArray(webhookEndpoints.id, ids));
}

/** Writes an event the way a module does: `eventInsert` in a D1 batch. */
export async function writeEvent(type: string, data: Record<string, unknown>, resourceId = "prd_test") {
  const event = eventInsert(db, { type, resourceType: type.split(".")[0] ?? "x", resourceId, data });
  await db.batch([event.statement]);
  return event.id;
}

/**
 * An event whose deliveries the test drives by hand: it is marked published (so no
 * flush or sweep sends it to the real queues too) and fanned out with the producer
 * captured. Returns the WEBHOOKS message bodies the fan-out produced.
 */
export async function fanOutByHand(type: string, data: Record<string, unknown>) {
  const eventId = await writeEvent(type, data);
  await db.update(events).set({ sentAt: new Date().toISOString() }).where(eq(events.id, eventId));
  const webhooks = captureQueue<DeliveryMessage>();
  await fanOutEvents(db, webhooks.queue, [eventId]);
  return { eventId, messages: webhooks.sent.map((s) => s.body) };
}

export async function deliveryRow(id: string) {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row) throw new Error(`no delivery ${id}`);
  return row;
}

export async function deliveriesOfEvent(eventId: string) {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
}

/** The spec's signature, computed independently of the code under test. */
export async function specSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}
