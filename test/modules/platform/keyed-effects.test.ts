import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_LOCATION_ID,
  dispatchReturns,
  events,
  exportJobs,
  idempotencyKeys,
  orders,
  payments,
  refunds,
  returns,
  samples,
  transfers,
} from "../../../src/db/schema";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import worker from "../../../src/index";
import { stockObject } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { draft, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { act, db, key, ledger, level, stockedProduct } from "../../support/orders";
import { completedOrder } from "../../support/returns";

/*
 * A keyed request that commits its effect and dies before its answer is stored: the
 * D1 binding given to the worker fails every write of a stored answer (as a killed
 * isolate never writes it). The retry with the same key takes the abandoned key over
 * and must find the committed effect: one order, one hold, one answer. A checkout
 * stores its answer in its order's batch, so there it is all or nothing.
 */
function losingAnswers<T extends D1Database | D1DatabaseSession>(real: T): T {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) =>
          /^update "idempotency_keys"/i.test(query.trim())
            ? target.prepare("SELECT RAISE(ABORT, 'isolate killed before storing the answer (injected)')")
            : target.prepare(query);
      }
      // Requests query through a D1 session (withSession): it loses the answers too.
      if (prop === "withSession" && "withSession" in target) {
        return (start: string) => losingAnswers(target.withSession(start));
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function dyingRequest(method: string, path: string, token: string, idempotencyKey: string, body?: unknown) {
  const request = new Request(`https://stockroom.test${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      "idempotency-key": idempotencyKey,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, DB: losingAnswers(env.DB) }, ctx);
  await waitOnExecutionContext(ctx);
  return res.status;
}

/** The key as a dead request leaves it: still in progress, claimed long enough ago to be taken over. */
async function abandon(actorId: string, idempotencyKey: string) {
  const rows = await db
    .update(idempotencyKeys)
    .set({ createdAt: new Date(Date.now() - 5 * 60_000).toISOString() })
    .where(
      and(
        eq(idempotencyKeys.actorKey, actorId),
        eq(idempotencyKeys.key, idempotencyKey),
        eq(idempotencyKeys.state, "in_progress"),
      ),
    )
    .returning();
  expect(rows).toHaveLength(1);
}

async function storedAnswer(actorId: string, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.actorKey, actorId), eq(idempotencyKeys.key, idempotencyKey)));
  return row;
}

function holdsOf(productId: string) {
  return runInDurableObject(stockObject(env.INVENTORY, productId), (_: InventoryDO, state) =>
    state.storage.sql.exec<{ order_id: string; qty: number }>("SELECT order_id, qty FROM reservations").toArray(),
  );
}

let staff: SignedIn;
let manager: SignedIn;
beforeAll(async () => {
  [staff, manager] = await Promise.all([signInAs("operator"), signInAs("manager")]);
});

describe("keyed effects survive a crash between commit and stored answer", () => {
  it("checkout: its answer commits with the order, so a request cannot commit one without the other", async () => {
    const customer = await signInAs("customer");
    const product = await stockedProduct(10);
    const k = key();
    const body = { lines: [{ product_id: product.id, qty: 3 }] };
    // Losing the answer loses the order's batch with it: no order, the holds released, the key free.
    expect(await dyingRequest("POST", "/v1/orders", customer.token, k, body)).toBe(500);
    expect(await db.select().from(orders).where(eq(orders.customerId, customer.id))).toEqual([]);
    expect(await level(product.id)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(await storedAnswer(customer.id, k)).toBeUndefined();
  });

  it("checkout: a retry whose stored answer is gone answers with the committed order; one order, one hold", async () => {
    const customer = await signInAs("customer");
    const product = await stockedProduct(10);
    const k = key();
    const body = { lines: [{ product_id: product.id, qty: 3 }] };
    const first = await call<{ id: string }>("POST", "/v1/orders", {
      token: customer.token,
      headers: { "idempotency-key": k },
      body,
    });
    expect(first.status, first.text).toBe(201);
    expect(await storedAnswer(customer.id, k)).toMatchObject({
      state: "done",
      responseStatus: 201,
      responseBody: first.text,
    });
    // As after the key's 24 hours: the order id derived from the key is taken.
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.actorKey, customer.id), eq(idempotencyKeys.key, k)));

    const retry = await call<{ id: string }>("POST", "/v1/orders", {
      token: customer.token,
      headers: { "idempotency-key": k },
      body,
    });
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.body.id).toBe(first.body.id);
    expect(await db.select().from(orders).where(eq(orders.customerId, customer.id))).toHaveLength(1);
    expect(await holdsOf(product.id)).toEqual([expect.objectContaining({ order_id: retry.body.id, qty: 3 })]);
    expect(await level(product.id)).toMatchObject({ on_hand: 10, reserved: 3 });
  });

  it("stock adjustment: its answer is stored after the response; if that is lost, the retry moves stock once", async () => {
    const product = await stockedProduct(10);
    const k = key();
    const path = `/v1/inventory/${product.id}/adjustments`;
    const body = { delta: -2, reason: "damaged" };
    // The answer is written after the response, so the caller already has its 201.
    expect(await dyingRequest("POST", path, manager.token, k, body)).toBe(201);
    await abandon(manager.id, k);
    const retry = await call<{ movement: { id: string } }>("POST", path, {
      token: manager.token,
      headers: { "idempotency-key": k },
      body,
    });
    expect(retry.status, retry.text).toBe(201);
    expect(await level(product.id)).toMatchObject({ on_hand: 8 });
    const damaged = (await ledger(product.id)).filter((m) => m.reason === "damaged");
    expect(damaged.map((m) => m.id)).toEqual([retry.body.movement.id]);
  });

  it("pay and refund: the retry finds the committed payment and refund; money and stock move once", async () => {
    const customer = await signInAs("customer");
    const product = await stockedProduct(10, 800);
    const created = await call<{ id: string }>("POST", "/v1/orders", {
      token: customer.token,
      headers: { "idempotency-key": key() },
      body: { lines: [{ product_id: product.id, qty: 2 }] },
    });
    const orderId = created.body.id;
    const payKey = key();
    const payBody = { provider: "manual", method: "cash" };
    expect(await dyingRequest("POST", `/v1/orders/${orderId}/pay`, staff.token, payKey, payBody)).toBe(500);
    await abandon(staff.id, payKey);
    const paid = await call<{ status: string }>("POST", `/v1/orders/${orderId}/pay`, {
      token: staff.token,
      headers: { "idempotency-key": payKey },
      body: payBody,
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe("processing");
    expect(await db.select().from(payments).where(eq(payments.orderId, orderId))).toHaveLength(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 8, reserved: 0 });

    await act(staff.token, orderId, "fulfil");
    const refundKey = key();
    const refundBody = { lines: [{ product_id: product.id, qty: 1, restock: true }], reason: "damaged in transit" };
    expect(await dyingRequest("POST", `/v1/orders/${orderId}/refund`, manager.token, refundKey, refundBody)).toBe(500);
    await abandon(manager.id, refundKey);
    const refunded = await call<{ refunded_total: number }>("POST", `/v1/orders/${orderId}/refund`, {
      token: manager.token,
      headers: { "idempotency-key": refundKey },
      body: refundBody,
    });
    expect(refunded.status, refunded.text).toBe(200);
    const rows = await db.select().from(refunds).where(eq(refunds.orderId, orderId));
    expect(rows).toHaveLength(1);
    expect(refunded.body.refunded_total).toBe(rows[0]?.amount);
  });

  it("direct sale: the retry answers with the one sale", async () => {
    const product = await stockedProduct(5, 300);
    const k = key();
    const body = { lines: [{ product_id: product.id, qty: 1 }], payment: { provider: "manual", method: "cash" } };
    expect(await dyingRequest("POST", "/v1/invoices", staff.token, k, body)).toBe(500);
    await abandon(staff.id, k);
    const retry = await call<{ order_id: string }>("POST", "/v1/invoices", {
      token: staff.token,
      headers: { "idempotency-key": k },
      body,
    });
    expect(retry.status, retry.text).toBe(201);
    const sales = await db
      .select({ n: sql<number>`count(*)` })
      .from(orders)
      .where(eq(orders.saleKey, `${staff.id} ${k}`));
    expect(sales[0]?.n).toBe(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 0 });
  });

  /** The request dies after its commit, its key is abandoned, and the retry with the same key answers. */
  async function diesThenRetries<T>(token: string, actorId: string, method: string, path: string, body?: unknown) {
    const k = key();
    expect(await dyingRequest(method, path, token, k, body)).toBe(500);
    await abandon(actorId, k);
    const retry = await call<T>(method, path, {
      token,
      headers: { "idempotency-key": k },
      ...(body === undefined ? {} : { body }),
    });
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    return retry;
  }

  const eventsOf = async (resourceId: string, type: string) =>
    (
      await db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.resourceId, resourceId), eq(events.type, type)))
    ).length;

  it("dispatch send and return: the retries answer with the sent dispatch and the one return; stock moves once", async () => {
    const { company, project } = await shed(manager.token, 0);
    const tray = await stockedProduct(20);
    const dsp = await draft(staff.token, {
      company_id: company.id,
      project_id: project.id,
      lines: [{ product_id: tray.id, qty: 6 }],
    });

    const sent = await diesThenRetries<{ status: string }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/dispatches/${dsp.id}/dispatch`,
    );
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.status).toBe("dispatched");
    expect(await eventsOf(dsp.id, "dispatch.dispatched")).toBe(1);
    expect(await level(tray.id)).toMatchObject({ on_hand: 14, out: 6 });

    const back = { lines: [{ product_id: tray.id, qty: 2, condition: "good" }] };
    const returned = await diesThenRetries(staff.token, staff.id, "POST", `/v1/dispatches/${dsp.id}/return`, back);
    expect(returned.status, returned.text).toBe(201);
    expect(await db.select().from(dispatchReturns).where(eq(dispatchReturns.dispatchId, dsp.id))).toHaveLength(1);
    expect(await level(tray.id)).toMatchObject({ on_hand: 16, out: 4 });
  });

  it("order return open, approve, receive and refund: each retry answers with the step it committed, once", async () => {
    const customer = await signInAs("customer");
    const { id: orderId, products } = await completedOrder(customer, manager, [{ stock: 10, price: 1000, qty: 2 }]);
    const productId = products[0]?.id ?? "";
    const opened = await diesThenRetries<{ id: string; status: string }>(
      customer.token,
      customer.id,
      "POST",
      `/v1/orders/${orderId}/returns`,
      { lines: [{ product_id: productId, qty: 2, reason: "defective" }] },
    );
    expect(opened.status, opened.text).toBe(201);
    expect(await db.select().from(returns).where(eq(returns.orderId, orderId))).toHaveLength(1);
    const returnId = opened.body.id;

    const approved = await diesThenRetries<{ status: string }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/returns/${returnId}/approve`,
      {},
    );
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.status).toBe("approved");
    expect(await eventsOf(returnId, "return.approved")).toBe(1);

    const receipt = { lines: [{ product_id: productId, qty: 2, condition: "restock" }] };
    const received = await diesThenRetries<{ status: string }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/returns/${returnId}/receive`,
      receipt,
    );
    expect(received.status, received.text).toBe(200);
    expect(received.body.status).toBe("received");
    expect(await eventsOf(returnId, "return.received")).toBe(1);
    expect(await level(productId)).toMatchObject({ on_hand: 10 });

    const refunded = await diesThenRetries<{ status: string }>(
      manager.token,
      manager.id,
      "POST",
      `/v1/returns/${returnId}/refund`,
      {},
    );
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body.status).toBe("refunded");
    expect(await db.select().from(refunds).where(eq(refunds.orderId, orderId))).toHaveLength(1);
    // Another key is still refused: the step happened once.
    const again = await call("POST", `/v1/returns/${returnId}/approve`, {
      token: staff.token,
      headers: { "idempotency-key": key() },
      body: {},
    });
    expect(again.status).toBe(409);
  });

  it("transfer draft, ship and receive: the retries answer with the one transfer; stock moves once", async () => {
    const dest = await createLocation();
    const product = await stockedProduct(10);
    const draftBody = {
      from_location_id: DEFAULT_LOCATION_ID,
      to_location_id: dest.id,
      lines: [{ product_id: product.id, qty: 4 }],
    };
    const drafted = await diesThenRetries<{ id: string }>(staff.token, staff.id, "POST", "/v1/transfers", draftBody);
    expect(drafted.status, drafted.text).toBe(201);
    const id = drafted.body.id;
    expect(await db.select().from(transfers).where(eq(transfers.createdBy, staff.id))).toEqual([
      expect.objectContaining({ id }),
    ]);

    const shipped = await diesThenRetries<{ transfer: { status: string } }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/transfers/${id}/ship`,
    );
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body.transfer.status).toBe("shipped");
    expect(await eventsOf(id, "transfer.shipped")).toBe(1);

    const receipt = { lines: [{ product_id: product.id, received: 4, lost: 0 }] };
    const received = await diesThenRetries<{ transfer: { status: string } }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/transfers/${id}/receive`,
      receipt,
    );
    expect(received.status, received.text).toBe(200);
    expect(received.body.transfer.status).toBe("received");
    expect(await eventsOf(id, "transfer.received")).toBe(1);
    expect(await level(product.id)).toMatchObject({ on_hand: 10, incoming: 0 });
  });

  it("samples batch: the retry answers each row as created, and creates none twice", async () => {
    const { hole } = await shed(manager.token, 0);
    const numbers = [`KEY-${key().slice(0, 8)}-1`, `KEY-${key().slice(0, 8)}-2`];
    const body = {
      samples: numbers.map((number, i) => ({
        number,
        drillhole_id: hole.id,
        depth_from: i,
        depth_to: i + 1,
        type: "core",
      })),
    };
    const batch = await diesThenRetries<{ created: number; failed: number; results: { ok: boolean }[] }>(
      staff.token,
      staff.id,
      "POST",
      "/v1/samples:batch",
      body,
    );
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body).toMatchObject({ created: 2, failed: 0 });
    expect(batch.body.results.map((r) => r.ok)).toEqual([true, true]);
    expect(await db.select({ id: samples.id }).from(samples).where(inArray(samples.number, numbers))).toHaveLength(2);
  });

  it("transfer cancel: the retry answers with the cancelled transfer instead of refusing it", async () => {
    const dest = await createLocation();
    const product = await stockedProduct(2);
    const draft = await call<{ id: string }>("POST", "/v1/transfers", {
      token: staff.token,
      headers: { "idempotency-key": key() },
      body: {
        from_location_id: DEFAULT_LOCATION_ID,
        to_location_id: dest.id,
        lines: [{ product_id: product.id, qty: 1 }],
      },
    });
    const id = draft.body.id;
    const cancelled = await diesThenRetries<{ status: string }>(
      staff.token,
      staff.id,
      "POST",
      `/v1/transfers/${id}/cancel`,
    );
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expect(await eventsOf(id, "transfer.cancelled")).toBe(1);
    // Another request cancelling it again is refused: only the retry of the one that did it is answered.
    const again = await call("POST", `/v1/transfers/${id}/cancel`, {
      token: staff.token,
      headers: { "idempotency-key": key() },
    });
    expect(again.status).toBe(409);
  });

  it("export: the retry answers with the one export job", async () => {
    const admin = await signInAs("admin");
    const body = { type: "products", format: "csv", filters: {} };
    const started = await diesThenRetries<{ id: string }>(admin.token, admin.id, "POST", "/v1/exports", body);
    expect(started.status, started.text).toBe(202);
    expect(await db.select().from(exportJobs).where(eq(exportJobs.requestedById, admin.id))).toEqual([
      expect.objectContaining({ id: started.body.id }),
    ]);
  });

  it("compares repeated bodies as JSON: the same fields in another order replay the answer", async () => {
    const customer = await signInAs("customer");
    const product = await stockedProduct(5);
    const k = key();
    const first = await call("POST", "/v1/orders", {
      token: customer.token,
      headers: { "idempotency-key": k },
      body: `{"lines":[{"product_id":"${product.id}","qty":1}],"customer_note":"hi"}`,
    });
    expect(first.status, first.text).toBe(201);
    const reordered = await call("POST", "/v1/orders", {
      token: customer.token,
      headers: { "idempotency-key": k },
      body: `{ "customer_note": "hi", "lines": [ { "qty": 1, "product_id": "${product.id}" } ] }`,
    });
    expect(reordered.status, reordered.text).toBe(201);
    expect(reordered.headers.get("idempotent-replayed")).toBe("true");
  });
});
