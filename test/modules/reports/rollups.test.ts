import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { act, checkout, drainOrderEvents, pay, refund, stockedProduct } from "../../support/orders";
import { changeSettings } from "../../support/settings";
import { recomputedFor, rollupDelta, storedRollups } from "./support";

let admin: SignedIn;
let customer: SignedIn;

let zoneBefore: string;

beforeAll(async () => {
  admin = await signInAs("admin");
  customer = await signInAs("customer");
});

afterAll(async () => {
  await changeSettings(admin, { time_zone: zoneBefore });
});

/** A small seeded generator, so a failing mix can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("daily rollups", () => {
  it("equal a full recomputation after a random mix of orders, payments, refunds and cancellations", async () => {
    // Other test files share the database: the check is on what this mix adds.
    zoneBefore = (await changeSettings(admin, {})).time_zone;
    await changeSettings(admin, { time_zone: "Pacific/Auckland" });
    const before = await storedRollups();
    const orderIds: string[] = [];
    const next = random(42);
    const products = await Promise.all([1000, 2550, 799].map((price) => stockedProduct(500, price)));
    const pick = () => products[Math.floor(next() * products.length)] ?? products[0];
    for (let i = 0; i < 24; i++) {
      const first = pick();
      const second = pick();
      const lines = [{ product_id: first?.id, qty: 1 + Math.floor(next() * 3) }];
      if (second && second.id !== first?.id) lines.push({ product_id: second.id, qty: 1 + Math.floor(next() * 2) });
      const created = await checkout(customer.token, { lines });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id;
      orderIds.push(id);
      const fate = next();
      if (fate < 0.2) {
        await act(admin.token, id, "cancel");
        continue;
      }
      if (fate < 0.3) continue; // left pending
      expect((await pay(admin.token, id)).status).toBe(200);
      if (fate < 0.45) {
        await act(admin.token, id, "cancel"); // a paid order cancelled: refunded in full
      } else if (fate < 0.7) {
        await act(admin.token, id, "fulfil");
        const line = lines[0];
        expect(
          (
            await refund(admin.token, id, {
              reason: "damaged",
              lines: [{ product_id: line?.product_id, qty: 1, restock: false }],
            })
          ).status,
        ).toBe(200);
      } else if (fate < 0.85) {
        await act(admin.token, id, "fulfil");
        expect((await refund(admin.token, id, { reason: "changed_mind" })).status).toBe(200);
      }
      await drainOrderEvents(id);
    }
    const stored = rollupDelta(before, await storedRollups());
    const expected = await recomputedFor("Pacific/Auckland", orderIds);
    // The mix reached every kind of change the rollups count.
    const sum = (k: "orders_cancelled" | "refunds" | "gross_sales") => stored.sales.reduce((t, r) => t + r[k], 0);
    expect(sum("gross_sales")).toBeGreaterThan(0);
    expect(sum("refunds")).toBeGreaterThan(0);
    expect(sum("orders_cancelled")).toBeGreaterThan(0);
    expect(stored.fulfilment.length).toBeGreaterThan(0);
    expect(stored.customers.length).toBeGreaterThan(0);
    expect(stored.sales).toEqual(expected.sales);
    expect(stored.products).toEqual(expected.products);
    expect(stored.statusTotals).toEqual(expected.statusTotals);
    expect(stored.orderStatus).toEqual(expected.orderStatus);
    expect(stored.fulfilment).toEqual(expected.fulfilment);
    expect(stored.customers).toEqual(expected.customers);
    // The customer is this test's own: its first paid day is all this mix's doing.
    const firstPaid = (await storedRollups()).firstPaid.filter((r) => r.customer_id === customer.id);
    expect(firstPaid).toEqual(expected.firstPaid);
  }, 120_000);
});
