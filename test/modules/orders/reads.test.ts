import { beforeAll, describe, expect, it } from "vitest";
import type { OrderDetail } from "../../../src/flows/order-api/detail";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, getOrder, pay, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let admin: SignedIn;
let alice: SignedIn;
let bob: SignedIn;
beforeAll(async () => {
  [staff, admin, alice, bob] = await Promise.all([
    signInAs("operator"),
    signInAs("admin"),
    signInAs("customer"),
    signInAs("customer"),
  ]);
});

type Page = { data: OrderDetail[]; next_cursor: string | null };
const list = (token: string, query = "") => call<Page>("GET", `/v1/orders${query}`, { token });

describe("reading orders", () => {
  it("customers see only their own orders, in lists and one by one", async () => {
    const product = await stockedProduct(10);
    const mine = await checkout(alice.token, { lines: [{ product_id: product.id, qty: 1 }] });
    const theirs = await checkout(bob.token, { lines: [{ product_id: product.id, qty: 1 }] });
    const page = await list(alice.token, "?limit=200");
    expect(page.status).toBe(200);
    expect(page.body.data.map((o) => o.id)).toContain(mine.body.id);
    expect(page.body.data.every((o) => o.customer_id === alice.id)).toBe(true);
    const sneaky = await list(alice.token, `?customer_id=${bob.id}`);
    expect(sneaky.body.data.map((o) => o.id)).not.toContain(theirs.body.id);
    expectProblem(await getOrder(alice.token, theirs.body.id), 404, "NOT_FOUND");
    expect((await getOrder(alice.token, mine.body.id)).status).toBe(200);
    expect((await getOrder(staff.token, theirs.body.id)).status).toBe(200);
  });

  it("filters by status, customer, product and creation time, newest first, with cursor paging", async () => {
    const buyer = await signInAs("customer");
    const [p1, p2] = await Promise.all([stockedProduct(20), stockedProduct(20)]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await checkout(buyer.token, { lines: [{ product_id: i < 3 ? p1.id : p2.id, qty: 1 }] });
      ids.push(res.body.id);
    }
    await pay(staff.token, ids[0] ?? "");
    await act(staff.token, ids[1] ?? "", "cancel");

    const all = await list(staff.token, `?customer_id=${buyer.id}`);
    expect(all.body.data.map((o) => o.id)).toEqual([...ids].reverse());

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof list>> = await list(
        staff.token,
        `?customer_id=${buyer.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((o) => o.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const byStatus = async (status: string) =>
      (await list(staff.token, `?customer_id=${buyer.id}&status=${status}`)).body.data.map((o) => o.id);
    expect(await byStatus("processing")).toEqual([ids[0]]);
    expect(await byStatus("cancelled")).toEqual([ids[1]]);
    expect(await byStatus("pending")).toEqual([ids[4], ids[3], ids[2]]);
    const byProduct = await list(staff.token, `?product_id=${p2.id}`);
    expect(byProduct.body.data.map((o) => o.id)).toEqual([ids[4], ids[3]]);

    const third = (await getOrder(staff.token, ids[2] ?? "")).body.created_at;
    const from = await list(staff.token, `?customer_id=${buyer.id}&created_from=${encodeURIComponent(third)}`);
    expect(from.body.data.map((o) => o.id)).toEqual([ids[4], ids[3], ids[2]]);
    const to = await list(staff.token, `?customer_id=${buyer.id}&created_to=${encodeURIComponent(third)}`);
    expect(to.body.data.map((o) => o.id)).toEqual([ids[1], ids[0]]);

    expectProblem(await list(staff.token, "?status=shipped"), 400, "VALIDATION_FAILED");
    expectProblem(await list(staff.token, "?cursor=nope"), 400, "VALIDATION_FAILED");
    expectProblem(await list(staff.token, "?created_from=yesterday"), 400, "VALIDATION_FAILED");
  });

  it("shows an order with its lines, history, holds, payments, refunds and invoices", async () => {
    const product = await stockedProduct(5, 450);
    const created = await checkout(alice.token, { lines: [{ product_id: product.id, qty: 2 }] });
    const pending = await getOrder(alice.token, created.body.id);
    expect(pending.headers.get("etag")).toBe('W/"1"');
    expect(pending.body.reservations).toEqual([
      expect.objectContaining({ product_id: product.id, state: "held", qty: 2, expires_at: expect.any(String) }),
    ]);
    await pay(staff.token, created.body.id);
    const paid = (await getOrder(alice.token, created.body.id)).body;
    expect(paid).toMatchObject({ status: "processing", subtotal: 900, refunds: [] });
    expect(paid.status_history.map((h) => [h.from, h.to])).toEqual([
      [null, "pending"],
      ["pending", "paying"],
      ["paying", "processing"],
    ]);
    expect(paid.reservations[0]?.state).toBe("committed");
    expect(paid.payments).toHaveLength(1);
  });

  it("keeps staff notes and metadata from customers", async () => {
    const product = await stockedProduct(3);
    const created = await checkout(alice.token, { lines: [{ product_id: product.id, qty: 1 }] });
    const patched = await call("PATCH", `/v1/orders/${created.body.id}`, {
      token: staff.token,
      body: { staff_note: "check the address", metadata: { fraud_score: 12 } },
    });
    expect(patched.status).toBe(200);
    expect((await getOrder(staff.token, created.body.id)).body).toMatchObject({
      staff_note: "check the address",
      metadata: { fraud_score: 12 },
    });
    expect((await getOrder(alice.token, created.body.id)).body).toMatchObject({ staff_note: null, metadata: {} });
    const listed = (await list(alice.token, "?limit=200")).body.data.find((o) => o.id === created.body.id);
    expect(listed).toMatchObject({ staff_note: null, metadata: {} });
    const cancelled = await act(alice.token, created.body.id, "cancel");
    expect(cancelled.body).toMatchObject({ status: "cancelled", staff_note: null, metadata: {} });
  });

  it("lets keys with orders:read list orders, and no one else without a role", async () => {
    const reader = await createApiKey(admin, { scopes: ["orders:read"] });
    expect((await list(reader.secret)).status).toBe(200);
    const writerOnly = await createApiKey(admin, { scopes: ["orders:write"] });
    expectProblem(await list(writerOnly.secret), 403, "FORBIDDEN");
    expectProblem(await call("GET", "/v1/orders"), 401, "UNAUTHENTICATED");
  });
});
