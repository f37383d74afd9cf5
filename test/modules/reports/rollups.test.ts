import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { createLocation, stockAt } from "../../support/locations";
import { act, checkout, drainOrderEvents, pay, refund, stockedProduct } from "../../support/orders";
import { insertProduct } from "../../support/products";
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
    const [near, far] = [(await createLocation({ priority: 1 })).id, (await createLocation({ priority: 2 })).id];
    const before = await storedRollups();
    const orderIds: string[] = [];
    const next = random(42);
    const products = await Promise.all([1000, 2550, 799].map((price) => stockedProduct(500, price)));
    const pick = () => products[Math.floor(next() * products.length)] ?? products[0];
    let splitLines = 0;
    for (let i = 0; i < 24; i++) {
      const first = pick();
      const second = pick();
      const lines = [{ product_id: first?.id, qty: 1 + Math.floor(next() * 3) }];
      if (second && second.id !== first?.id) lines.push({ product_id: second.id, qty: 1 + Math.floor(next() * 2) });
      if (next() < 0.6) {
        // Neither location has the whole line: it is sold from both, first the near one.
        const split = await insertProduct({ price: 1 + Math.floor(next() * 3000) });
        const [atNear, atFar] = [1 + Math.floor(next() * 2), 1 + Math.floor(next() * 3)];
        await stockAt(split.id, near, atNear);
        await stockAt(split.id, far, atFar);
        lines.unshift({ product_id: split.id, qty: atNear + atFar });
      }
      const created = await checkout(customer.token, { lines });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id;
      orderIds.push(id);
      splitLines += created.body.lines.filter((l) => l.allocations.length === 2).length;
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
        // One unit of the first line, and another if it has more; then, sometimes, the rest.
        for (let unit = 0; unit < Math.min(2, line?.qty ?? 0); unit++) {
          const partial = await refund(admin.token, id, {
            reason: "damaged",
            lines: [{ product_id: line?.product_id, qty: 1, restock: false }],
          });
          expect(partial.status, partial.text).toBe(200);
        }
        if (fate < 0.55) expect((await refund(admin.token, id, { reason: "changed_mind" })).status).toBe(200);
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
    expect(splitLines).toBeGreaterThan(0);
    const at = (location: string) => stored.locations.filter((r) => r.location_id === location);
    for (const location of [near, far]) {
      expect(at(location).reduce((t, r) => t + r.units_sold, 0)).toBeGreaterThan(0);
      expect(at(location).reduce((t, r) => t + r.units_refunded, 0)).toBeGreaterThan(0);
    }
    expect(stored.sales).toEqual(expected.sales);
    expect(stored.products).toEqual(expected.products);
    expect(stored.locations).toEqual(expected.locations);
    expect(stored.statusTotals).toEqual(expected.statusTotals);
    expect(stored.orderStatus).toEqual(expected.orderStatus);
    expect(stored.fulfilment).toEqual(expected.fulfilment);
    expect(stored.customers).toEqual(expected.customers);
    // Each day's locations add up to its products.
    const byDay = (rows: { day: string; units_sold: number; units_refunded: number }[]) => {
      const days = new Map<string, [number, number]>();
      for (const r of rows) {
        const [sold, refunded] = days.get(r.day) ?? [0, 0];
        days.set(r.day, [sold + r.units_sold, refunded + r.units_refunded]);
      }
      return [...days].sort();
    };
    expect(byDay(stored.locations)).toEqual(byDay(stored.products));
    const money = (rows: { revenue: number; refund_amount: number }[]) => [
      rows.reduce((t, r) => t + r.revenue, 0),
      rows.reduce((t, r) => t + r.refund_amount, 0),
    ];
    expect(money(stored.locations)).toEqual(money(stored.products));
    // The customer is this test's own: its first paid day is all this mix's doing.
    const firstPaid = (await storedRollups()).firstPaid.filter((r) => r.customer_id === customer.id);
    expect(firstPaid).toEqual(expected.firstPaid);
  }, 180_000);
});
