import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events, notifications, orderPipelineSteps, payments, refunds } from "../../src/db/schema";
import { type PipelineStep, runOrderPipeline, runOrderPipelineForEvent } from "../../src/flows/order-pipeline";
import { type SignedIn, signInAs } from "../support/auth";
import { flowEnded } from "../support/flows";
import { act, checkout, db, deps, drainOrderEvents, pay, refund, runQueue, stockedProduct } from "../support/orders";

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([signInAs("manager"), signInAs("customer")]);
});

async function eventOf(orderId: string, type: string) {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.resourceId, orderId), eq(events.type, type)));
  if (!row) throw new Error(`no ${type} event for ${orderId}`);
  return row;
}

const stepsOf = (eventId: string) =>
  db.select().from(orderPipelineSteps).where(eq(orderPipelineSteps.eventId, eventId));

describe("the order pipeline", () => {
  it("runs each step once per event; a failing step is recorded and raised while the others complete", async () => {
    const product = await stockedProduct(2);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    const event = await eventOf(created.body.id, "order.created");
    const calls = { ok: 0, flaky: 0 };
    let healthy = false;
    const steps: PipelineStep[] = [
      {
        name: "ok",
        on: ["order.created"],
        run: async () => {
          calls.ok++;
        },
      },
      {
        name: "flaky",
        on: ["order.created"],
        run: async () => {
          calls.flaky++;
          if (!healthy) throw new Error("downstream unavailable");
        },
      },
      { name: "other_type", on: ["order.paid"], run: async () => expect.unreachable() },
    ];
    await expect(runOrderPipeline(deps(), event.id, steps)).rejects.toThrow("flaky");
    await expect(runOrderPipeline(deps(), event.id, steps)).rejects.toThrow("flaky");
    let rows = await stepsOf(event.id);
    expect(rows.find((r) => r.step === "ok")).toMatchObject({ status: "done", attempts: 1 });
    expect(rows.find((r) => r.step === "flaky")).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: expect.stringContaining("downstream unavailable"),
    });
    healthy = true;
    await runOrderPipeline(deps(), event.id, steps);
    await runOrderPipeline(deps(), event.id, steps);
    expect(calls).toEqual({ ok: 1, flaky: 3 });
    rows = await stepsOf(event.id);
    expect(rows.find((r) => r.step === "flaky")).toMatchObject({ status: "done", attempts: 3 });
  });

  it("skips, without reading D1, a message whose type no step handles; a message without a type is read", async () => {
    const product = await stockedProduct(2);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    const event = await eventOf(created.body.id, "order.created");
    let runs = 0;
    const steps: PipelineStep[] = [
      {
        name: "count",
        on: ["order.created"],
        run: async () => {
          runs++;
        },
      },
    ];
    let queries = 0;
    const DB = new Proxy(env.DB, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (key === "prepare" || key === "batch") queries++;
          return value.apply(target, args);
        };
      },
    });
    const counted = { ...env, DB };
    await runOrderPipelineForEvent(counted, { event_id: event.id, type: "stock.changed" }, steps);
    expect({ runs, queries }).toEqual({ runs: 0, queries: 0 });
    await runOrderPipelineForEvent(counted, { event_id: event.id }, steps);
    expect(runs).toBe(1);
    expect(queries).toBeGreaterThan(0);
    expect(await stepsOf(event.id)).toMatchObject([{ step: "count", status: "done" }]);
  });

  it("a step failing in the EVENTS consumer is retried with backoff, then dead-lettered and marked dead", async () => {
    // A refund through a provider this deployment does not have: settling it can never succeed.
    const product = await stockedProduct(3, 500);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    await pay(staff.token, created.body.id);
    await act(staff.token, created.body.id, "fulfil");
    const orderId = created.body.id;
    await db.update(payments).set({ provider: "retired_gateway" }).where(eq(payments.orderId, orderId));
    const refunded = await refund(staff.token, orderId, {
      lines: [{ product_id: product.id, qty: 1, restock: false }],
      reason: "x",
    });
    expect(refunded.status).toBe(200);
    const event = await eventOf(orderId, "order.refunded");

    const first = await runQueue("stockroom-events", [{ body: { event_id: event.id }, attempts: 1 }]);
    expect(first.result.retryMessages).toHaveLength(1);
    expect([...first.retries.values()][0]?.delaySeconds).toBeGreaterThan(0);
    const last = await runQueue("stockroom-events", [{ body: { event_id: event.id }, attempts: 9 }]);
    expect(last.result.retryMessages).toHaveLength(1);
    const rows = await stepsOf(event.id);
    expect(rows.find((r) => r.step === "settle")).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("unknown provider"),
    });
    expect(rows.find((r) => r.step === "notify_customer")).toMatchObject({ status: "done", attempts: 1 });

    // The runtime moves the message to the dead-letter queue; its consumer marks the step.
    const dead = await runQueue("stockroom-events-dlq", [{ body: { event_id: event.id } }]);
    expect(dead.result.explicitAcks).toHaveLength(1);
    expect((await stepsOf(event.id)).find((r) => r.step === "settle")?.status).toBe("dead");
    const [row] = await db.select().from(refunds).where(eq(refunds.orderId, orderId));
    expect(row?.status).toBe("pending");
  });

  it("records one customer notification per order event, however often it is delivered", async () => {
    const product = await stockedProduct(3, 700);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    await pay(staff.token, created.body.id);
    // Received and paid are the order flow's notices; fulfilled is the pipeline's.
    await flowEnded(created.body.id);
    await act(staff.token, created.body.id, "fulfil");
    await drainOrderEvents(created.body.id);
    await drainOrderEvents(created.body.id);
    const sent = await db.select().from(notifications).where(eq(notifications.orderId, created.body.id));
    expect(sent.map((n) => n.template).sort()).toEqual(["order_fulfilled", "order_received", "payment_received"]);
    expect(sent.every((n) => n.recipient === customer.email && n.channel === "email" && n.status === "pending")).toBe(
      true,
    );
    expect(sent.find((n) => n.template === "payment_received")?.body).toContain(`${created.body.currency} 7.00`);
  });
});
