import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runBatch } from "../../../src/db/batch";
import { dailyOrderStatus } from "../../../src/db/schema";
import { dayIn } from "../../../src/lib/days";
import { customerPaidRollups, customerRefundRollup } from "../../../src/modules/reports/customer-rollups";
import { dashboard } from "../../../src/modules/reports/dashboard";
import { fulfilmentRollup } from "../../../src/modules/reports/order-rollups";
import { paidRollups, refundRollups } from "../../../src/modules/reports/rollups";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { createLocation, stockAt } from "../../support/locations";
import { act, checkout, db, lapseHolds, level, pay, refund, runStockAlarm, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { insertProduct, type TestProduct } from "../../support/products";
import { changeSettings } from "../../support/settings";

/*
 * A small fixed data set in Los Angeles time (PDT, UTC−7) and a currency no other file
 * uses, written with the rollup statements the orders module uses, at fixed instants:
 * - C3 paid 700 on 2025-05-01 (before the period: a returning customer).
 * - O1, C1: placed and paid 2025-06-10T17:00Z (LA the 10th), 1,200; P1 2 × 500. Fulfilled
 *   2025-06-11T17:00Z (a day after payment). Completed.
 * - O2, C1: placed 2025-06-11T05:30Z, paid 06:00Z: the 11th in UTC, still the 10th in LA;
 *   600; P2 1 × 500. Processing.
 * - O3, C2: placed and paid 2025-06-11T20:00Z, 1,200; P1 2 × 500; fulfilled 2025-06-12T02:00Z
 *   (LA the 11th, six hours later); refunded 600 (P1 1 × 500) at 2025-06-12T06:30Z: the 12th
 *   in UTC, the 11th in LA. Completed.
 * - O4, C3: placed 2025-06-12T18:00Z, 300, cancelled unpaid.
 * - O5, C3: placed and paid 2025-06-12T19:00Z, 500; P2 1 × 400. Processing.
 * The orders-by-status rows are inserted as they stand (the status moves themselves also
 * count in the store-wide totals, which this data set must not touch).
 */
const ZONE = "America/Los_Angeles";
const CURRENCY = "SEK";

let admin: SignedIn;
let manager: SignedIn;
let customers: SignedIn[];
let p1: TestProduct;
let p2: TestProduct;
let previous: { time_zone: string; currency: string };

/** A line sold from one location (the rows this data set writes there are of its own currency). */
const sold = (productId: string, qty: number, amount: number) => ({
  productId,
  qty,
  amount,
  allocations: [{ location_id: "loc_sales_seed", qty }],
});

async function seed() {
  const [c1, c2, c3] = customers.map((c) => c.id) as [string, string, string];
  const at = (iso: string) => ({ timeZone: ZONE, at: iso, currency: CURRENCY });
  const cohort = (day: string, status: "completed" | "processing" | "cancelled", orders: number, total: number) =>
    db.insert(dailyOrderStatus).values({ day, currency: CURRENCY, status, orders, total });
  await runBatch(db, [
    ...customerPaidRollups(db, at("2025-05-01T18:00:00Z"), c3, 700),
    ...paidRollups(db, at("2025-06-10T17:00:00Z"), 1200, [sold(p1.id, 2, 1000)]),
    ...customerPaidRollups(db, at("2025-06-10T17:00:00Z"), c1, 1200),
    fulfilmentRollup(db, at("2025-06-11T17:00:00Z"), "2025-06-10T17:00:00Z"),
    ...paidRollups(db, at("2025-06-11T06:00:00Z"), 600, [sold(p2.id, 1, 500)]),
    ...customerPaidRollups(db, at("2025-06-11T06:00:00Z"), c1, 600),
    ...paidRollups(db, at("2025-06-11T20:00:00Z"), 1200, [sold(p1.id, 2, 1000)]),
    ...customerPaidRollups(db, at("2025-06-11T20:00:00Z"), c2, 1200),
    fulfilmentRollup(db, at("2025-06-12T02:00:00Z"), "2025-06-11T20:00:00Z"),
    ...refundRollups(db, at("2025-06-12T06:30:00Z"), 600, [{ ...sold(p1.id, 2, 500), qty: 1, refundedBefore: 0 }]),
    customerRefundRollup(db, at("2025-06-12T06:30:00Z"), c2, 600),
    ...paidRollups(db, at("2025-06-12T19:00:00Z"), 500, [sold(p2.id, 1, 400)]),
    ...customerPaidRollups(db, at("2025-06-12T19:00:00Z"), c3, 500),
    cohort("2025-06-10", "completed", 1, 1200),
    cohort("2025-06-10", "processing", 1, 600),
    cohort("2025-06-11", "completed", 1, 1200),
    cohort("2025-06-12", "cancelled", 1, 300),
    cohort("2025-06-12", "processing", 1, 500),
  ]);
}

beforeAll(async () => {
  admin = await signInAs("admin");
  manager = await signInAs("manager");
  customers = await Promise.all([1, 2, 3].map(() => signInAs("customer")));
  [p1, p2] = await Promise.all([stockedProduct(6, 500), stockedProduct(10, 400)]);
  const current = await changeSettings(admin, {});
  previous = { time_zone: current.time_zone, currency: current.currency };
  await changeSettings(admin, { time_zone: ZONE, currency: CURRENCY });
  await seed();
});

// Other test files share the database and its settings.
afterAll(async () => {
  await changeSettings(admin, previous);
});

const report = <T>(name: string, query: string, token = manager.token) =>
  call<T>("GET", `/v1/reports/${name}?${query}`, { token });

const none = { orders: 0, value: 0 };
const statuses = (counted: Record<string, { orders: number; value: number }>) => ({
  pending: none,
  paying: none,
  processing: none,
  completed: none,
  cancelled: none,
  refunded: none,
  ...counted,
});

describe("GET /v1/reports/orders", () => {
  it("splits the orders placed each LA day by their status now, and averages the fulfilments of the day", async () => {
    const res = await report<Record<string, unknown>>("orders", "from=2025-06-10&to=2025-06-12");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ currency: CURRENCY, time_zone: ZONE, interval: "day" });
    expect(res.body.data).toEqual([
      {
        period: "2025-06-10",
        orders: 2,
        value: 1800,
        by_status: statuses({ completed: { orders: 1, value: 1200 }, processing: { orders: 1, value: 600 } }),
        orders_fulfilled: 0,
        average_fulfilment_seconds: null,
      },
      {
        period: "2025-06-11",
        orders: 1,
        value: 1200,
        by_status: statuses({ completed: { orders: 1, value: 1200 } }),
        // A day (86,400 s) and six hours (21,600 s), both on the 11th in LA.
        orders_fulfilled: 2,
        average_fulfilment_seconds: 54_000,
      },
      {
        period: "2025-06-12",
        orders: 2,
        value: 800,
        by_status: statuses({ cancelled: { orders: 1, value: 300 }, processing: { orders: 1, value: 500 } }),
        orders_fulfilled: 0,
        average_fulfilment_seconds: null,
      },
    ]);
    const totals = {
      orders: 5,
      value: 3800,
      by_status: statuses({
        completed: { orders: 2, value: 2400 },
        processing: { orders: 2, value: 1100 },
        cancelled: { orders: 1, value: 300 },
      }),
      orders_fulfilled: 2,
      average_fulfilment_seconds: 54_000,
    };
    expect(res.body.totals).toEqual(totals);
    // 2025-06-10 is a Tuesday: the week is the one of Monday the 9th.
    const week = await report<Record<string, unknown>>("orders", "from=2025-06-01&to=2025-06-30&interval=week");
    expect(week.body.data).toEqual([{ period: "2025-06-09", ...totals }]);
  });

  it("moves a real order from pending to cancelled in the dashboard's orders by status", async () => {
    const product = await stockedProduct(3);
    const before = (await dashboard(db)).orders_by_status;
    const placed = await checkout(customers[0]?.token ?? "", { lines: [{ product_id: product.id, qty: 1 }] });
    expect(placed.status, placed.text).toBe(201);
    const placedBoard = (await dashboard(db)).orders_by_status;
    expect(placedBoard.pending).toBe((before.pending ?? 0) + 1);
    expect((await act(admin.token, placed.body.id, "cancel")).status).toBe(200);
    const after = (await dashboard(db)).orders_by_status;
    expect(after.pending ?? 0).toBe(before.pending ?? 0);
    expect(after.cancelled).toBe((before.cancelled ?? 0) + 1);
  });
});

interface CustomersBody {
  customers: number;
  new_customers: number;
  returning_customers: number;
  repeat_customers: number;
  repeat_rate: number | null;
  top_customers: Record<string, unknown>[];
}

describe("GET /v1/reports/customers", () => {
  it("tells new from returning customers, the repeat rate and the top spenders net of refunds", async () => {
    const [c1, c2, c3] = customers as [SignedIn, SignedIn, SignedIn];
    const res = await report<CustomersBody>("customers", "from=2025-06-10&to=2025-06-12");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      currency: CURRENCY,
      time_zone: ZONE,
      customers: 3,
      new_customers: 2,
      returning_customers: 1,
      repeat_customers: 1,
    });
    expect(res.body.repeat_rate).toBeCloseTo(1 / 3, 10);
    expect(res.body.top_customers).toEqual([
      {
        customer_id: c1.id,
        email: c1.email,
        name: expect.any(String),
        first_paid_day: "2025-06-10",
        orders_paid: 2,
        gross_sales: 1800,
        refunds: 0,
        net_sales: 1800,
      },
      {
        customer_id: c2.id,
        email: c2.email,
        name: expect.any(String),
        first_paid_day: "2025-06-11",
        orders_paid: 1,
        gross_sales: 1200,
        refunds: 600,
        net_sales: 600,
      },
      {
        customer_id: c3.id,
        email: c3.email,
        name: expect.any(String),
        first_paid_day: "2025-05-01",
        orders_paid: 1,
        gross_sales: 500,
        refunds: 0,
        net_sales: 500,
      },
    ]);
    const top1 = await report<CustomersBody>("customers", "from=2025-06-10&to=2025-06-12&limit=1");
    expect(top1.body.top_customers.map((c) => c.customer_id)).toEqual([c1.id]);
  });

  it("names the top customers only to callers who may read customers", async () => {
    const key = await createApiKey(admin, { scopes: ["reports:read"] });
    const res = await report<CustomersBody>("customers", "from=2025-06-10&to=2025-06-12", key.secret);
    expect(res.status, res.text).toBe(200);
    expect(res.body.top_customers.length).toBeGreaterThan(0);
    for (const top of res.body.top_customers) expect(top).toMatchObject({ email: null, name: null });
    const named = await report<CustomersBody>("customers", "from=2025-06-10&to=2025-06-12");
    expect(named.body.top_customers.every((c) => typeof c.email === "string")).toBe(true);
  });

  it("counts payments and refunds on their LA days", async () => {
    const [, c2, c3] = customers as [SignedIn, SignedIn, SignedIn];
    // The 11th: C1's second order was paid on the 10th there, C2's refund was on the 11th.
    const eleventh = await report<CustomersBody>("customers", "from=2025-06-11&to=2025-06-11");
    expect(eleventh.body).toMatchObject({ customers: 1, new_customers: 1, returning_customers: 0, repeat_rate: 0 });
    expect(eleventh.body.top_customers).toMatchObject([{ customer_id: c2.id, refunds: 600, net_sales: 600 }]);
    const twelfth = await report<CustomersBody>("customers", "from=2025-06-12&to=2025-06-12");
    expect(twelfth.body).toMatchObject({ customers: 1, new_customers: 0, returning_customers: 1 });
    expect(twelfth.body.top_customers).toMatchObject([{ customer_id: c3.id, refunds: 0, net_sales: 500 }]);
    const empty = await report<CustomersBody>("customers", "from=2024-01-01&to=2024-01-31");
    expect(empty.body).toMatchObject({ customers: 0, repeat_rate: null, top_customers: [] });
  });
});

interface ProductsBody {
  days: number;
  data: Record<string, unknown>[];
  next_cursor: string | null;
}

describe("GET /v1/reports/products", () => {
  it("gives each product's sales, refunds, return rate, sell-through and days of cover", async () => {
    // The stock projection follows the objects through the queue.
    await vi.waitFor(
      async () => {
        const res = await report<ProductsBody>("products", "from=2025-06-10&to=2025-06-12");
        expect(res.body.data.map((r) => r.on_hand)).toEqual([6, 10]);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await level(p1.id)).on_hand).toBe(6);
    const res = await report<ProductsBody>("products", "from=2025-06-10&to=2025-06-12");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ currency: CURRENCY, time_zone: ZONE, sort: "units_sold", days: 3 });
    expect(res.body.data).toEqual([
      {
        product_id: p1.id,
        sku: p1.sku,
        name: expect.any(String),
        units_sold: 4,
        revenue: 2000,
        units_refunded: 1,
        refunds: 500,
        net_revenue: 1500,
        on_hand: 6,
        available: 6,
        return_rate: 0.25,
        sell_through: 0.4,
        // 6 available at 4 units per 3 days.
        days_of_cover: 4.5,
      },
      {
        product_id: p2.id,
        sku: p2.sku,
        name: expect.any(String),
        units_sold: 2,
        revenue: 900,
        units_refunded: 0,
        refunds: 0,
        net_revenue: 900,
        on_hand: 10,
        available: 10,
        return_rate: 0,
        sell_through: 0.1667,
        days_of_cover: 15,
      },
    ]);
    expect(res.body.next_cursor).toBeNull();
  });

  it("sorts, pages, and counts the late refund on the LA day", async () => {
    const byRefunds = await report<ProductsBody>("products", "from=2025-06-10&to=2025-06-12&sort=units_refunded");
    expect(byRefunds.body.data.map((r) => r.product_id)).toEqual([p1.id, p2.id]);
    const first = await report<ProductsBody>("products", "from=2025-06-10&to=2025-06-12&sort=net_revenue&limit=1");
    expect(first.body.data.map((r) => r.product_id)).toEqual([p1.id]);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await report<ProductsBody>(
      "products",
      `from=2025-06-10&to=2025-06-12&sort=net_revenue&limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.data.map((r) => r.product_id)).toEqual([p2.id]);
    expect(second.body.next_cursor).toBeNull();
    // The refund at 06:30Z on the 12th is the 11th in LA: nothing of P1 on the 12th.
    const twelfth = await report<ProductsBody>("products", "from=2025-06-12&to=2025-06-12");
    expect(twelfth.body.days).toBe(1);
    expect(twelfth.body.data).toMatchObject([{ product_id: p2.id, units_sold: 1, revenue: 400, days_of_cover: 10 }]);
    const eleventh = await report<ProductsBody>("products", "from=2025-06-11&to=2025-06-11");
    expect(eleventh.body.data).toMatchObject([
      { product_id: p1.id, units_sold: 2, units_refunded: 1, refunds: 500, return_rate: 0.5 },
    ]);
  });
});

interface SalesBody {
  data: { period: string; group: string | null; location_code: string | null; [figure: string]: unknown }[];
}

const FIGURES = ["gross_sales", "refunds", "net_sales", "units_sold", "units_refunded"] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

const summed = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(FIGURES.map((f) => [f, rows.reduce((t, r) => t + Number(r[f]), 0)])) as Figures;

/** The report's rows of these groups, each summed over its periods. */
async function salesOf(query: string, groups: string[]) {
  const res = await report<SalesBody>("sales", query);
  expect(res.status, res.text).toBe(200);
  return groups.map((group) => {
    const rows = res.body.data.filter((r) => r.group === group);
    return { group, location_code: rows[0]?.location_code ?? null, ...summed(rows) };
  });
}

describe("GET /v1/reports/sales?group_by=location", () => {
  it("splits a line sold from two locations by units, and its refunds after what earlier refunds took back", async () => {
    const [near, far] = [await createLocation({ priority: 10 }), await createLocation({ priority: 20 })];
    const split = await insertProduct({ price: 333 });
    const single = await insertProduct({ price: 250 });
    await Promise.all([stockAt(split.id, near.id, 2), stockAt(split.id, far.id, 3), stockAt(single.id, far.id, 1)]);
    const buyer = await signInAs("customer");
    const placed = await checkout(buyer.token, {
      lines: [
        { product_id: split.id, qty: 5 },
        { product_id: single.id, qty: 1 },
      ],
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.lines).toMatchObject([
      {
        allocations: [
          { location_id: near.id, qty: 2 },
          { location_id: far.id, qty: 3 },
        ],
      },
      { allocations: [{ location_id: far.id, qty: 1 }] },
    ]);
    const id = placed.body.id;
    expect((await pay(admin.token, id)).status).toBe(200);
    await act(admin.token, id, "fulfil");
    // Three refunds of a unit each, every one from the location furthest behind its share of
    // the units back so far: `far` (3/5 of 1), `near` (2/5 of 2 = 0.8 against 0), `far` (3/5 of
    // 3 = 1.8 against 1). Split one at a time, each would take the larger share: `far` thrice.
    for (let unit = 0; unit < 3; unit++) {
      const back = await refund(admin.token, id, {
        reason: "damaged",
        lines: [{ product_id: split.id, qty: 1, restock: false }],
      });
      expect(back.status, back.text).toBe(200);
    }

    // Today in LA, with a day either side should the order have crossed midnight there.
    const now = Date.now();
    const day = (ms: number) => dayIn(ZONE, new Date(ms).toISOString());
    const query = `from=${day(now - 86_400_000)}&to=${day(now + 86_400_000)}`;
    const byLocation = await salesOf(`${query}&group_by=location`, [near.id, far.id]);
    expect(byLocation).toEqual([
      {
        group: near.id,
        location_code: near.code,
        gross_sales: 666,
        refunds: 333,
        net_sales: 333,
        units_sold: 2,
        units_refunded: 1,
      },
      {
        group: far.id,
        location_code: far.code,
        gross_sales: 999 + 250,
        refunds: 666,
        net_sales: 999 + 250 - 666,
        units_sold: 4,
        units_refunded: 2,
      },
    ]);
    const byProduct = await salesOf(`${query}&group_by=product`, [split.id, single.id]);
    expect(byProduct.map((r) => r.units_refunded)).toEqual([3, 0]);
    expect(summed(byLocation)).toEqual(summed(byProduct));
  });

  it("counts a line where the hold renewed at payment sold it from, not where checkout held it", async () => {
    const [near, far] = [await createLocation({ priority: 10 }), await createLocation({ priority: 20 })];
    const product = await insertProduct({ price: 400 });
    await Promise.all([stockAt(product.id, near.id, 2), stockAt(product.id, far.id, 2)]);
    const buyer = await signInAs("customer");
    const held = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 2 }] });
    expect(held.body.lines).toMatchObject([{ allocations: [{ location_id: near.id, qty: 2 }] }]);
    // The hold lapses and another order takes the near units: paying holds (and sells) the far ones.
    await lapseHolds(product.id, held.body.id);
    await runStockAlarm(product.id);
    const other = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 2 }] });
    expect(other.body.lines).toMatchObject([{ allocations: [{ location_id: near.id, qty: 2 }] }]);
    const paid = await pay(admin.token, held.body.id);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.lines).toMatchObject([{ allocations: [{ location_id: far.id, qty: 2 }] }]);

    const now = Date.now();
    const day = (ms: number) => dayIn(ZONE, new Date(ms).toISOString());
    const query = `from=${day(now - 86_400_000)}&to=${day(now + 86_400_000)}&group_by=location`;
    expect((await salesOf(query, [near.id, far.id])).map((r) => [r.units_sold, r.gross_sales])).toEqual([
      [0, 0],
      [2, 800],
    ]);
  });

  it("writes a paid order of 100 lines over three locations each in one location statement, refunds in another", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const [a, b, c] = ["a", "b", "c"].map((x) => `loc_${run}_${x}`) as [string, string, string];
    const lines = Array.from({ length: 100 }, (_, i) => {
      const qty = 3 + (i % 5);
      // Amounts that qty does not divide: the locations' parts are rounded, and still sum to the line.
      const amount = 1000 + i;
      const allocations = [
        { location_id: a, qty: 1 },
        { location_id: b, qty: 1 },
        { location_id: c, qty: qty - 2 },
      ];
      return { productId: `prd_${run}_${i}`, qty, amount, allocations, refundedBefore: 0 };
    });
    const total = lines.reduce((t, l) => t + l.amount, 0);
    const units = lines.reduce((t, l) => t + l.qty, 0);
    const at = (iso: string) => ({ timeZone: ZONE, at: iso, currency: CURRENCY });
    const paid = paidRollups(db, at("2025-07-02T18:00:00Z"), total, lines);
    const refunded = refundRollups(db, at("2025-07-03T18:00:00Z"), total, lines);
    // The sales row, one row per product, and ONE statement for all the locations.
    expect([paid.length, refunded.length]).toEqual([102, 102]);
    await runBatch(db, [...paid, ...refunded]);

    const byLocation = await salesOf("from=2025-07-02&to=2025-07-03&group_by=location", [a, b, c]);
    expect(byLocation.map((r) => [r.units_sold, r.units_refunded])).toEqual([
      [100, 100],
      [100, 100],
      [units - 200, units - 200],
    ]);
    // Refunded in full, each location gives back exactly what it sold, to the minor unit.
    for (const r of byLocation) expect(r.refunds).toBe(r.gross_sales);
    expect(summed(byLocation)).toMatchObject({ gross_sales: total, refunds: total, units_sold: units });
  });
});

describe("the sales-side reports", () => {
  it("page 105 products and list 100 of 105 customers at their documented maximum", async () => {
    const at = { timeZone: ZONE, at: "2025-07-01T18:00:00Z", currency: CURRENCY };
    const run = crypto.randomUUID().slice(0, 8);
    const ids = Array.from({ length: 105 }, (_, i) => `${run}_${String(i).padStart(3, "0")}`);
    await runBatch(
      db,
      ids.flatMap((id, i) => [
        ...paidRollups(db, at, 100 + i, [sold(`prd_${id}`, 1 + i, 100 + i)]),
        ...customerPaidRollups(db, at, `usr_${id}`, 100 + i),
      ]),
    );
    const query = "from=2025-07-01&to=2025-07-01&limit=100";
    const first = await report<ProductsBody>("products", query);
    expect(first.status, first.text).toBe(200);
    expect(first.body.data).toHaveLength(100);
    expect(first.body.data[0]).toMatchObject({ product_id: `prd_${ids[104]}`, units_sold: 105, on_hand: 0, sku: null });
    const rest = await report<ProductsBody>("products", `${query}&cursor=${first.body.next_cursor}`);
    expect(rest.body.data.map((r) => r.product_id)).toEqual(
      ids
        .slice(0, 5)
        .reverse()
        .map((id) => `prd_${id}`),
    );
    expect(rest.body.next_cursor).toBeNull();
    const top = await report<CustomersBody>("customers", query);
    expect(top.status, top.text).toBe(200);
    expect(top.body).toMatchObject({ customers: 105, new_customers: 105, repeat_customers: 0 });
    expect(top.body.top_customers).toHaveLength(100);
    expect(top.body.top_customers[0]).toMatchObject({ customer_id: `usr_${ids[104]}`, net_sales: 204, email: null });
  });

  it("refuse a reversed or too long range and bad parameters", async () => {
    for (const name of ["orders", "customers", "products"]) {
      expectProblem(await report(name, "from=2025-06-12&to=2025-06-10"), 400, "VALIDATION_FAILED");
      expectProblem(await report(name, "from=2023-01-01&to=2025-01-01"), 400, "VALIDATION_FAILED");
      expectProblem(await report(name, "from=06/10/2025&to=2025-06-12"), 400, "VALIDATION_FAILED");
    }
    expectProblem(await report("orders", "from=2025-06-10&to=2025-06-12&interval=hour"), 400, "VALIDATION_FAILED");
    expectProblem(await report("customers", "from=2025-06-10&to=2025-06-12&limit=101"), 400, "VALIDATION_FAILED");
    expectProblem(await report("products", "from=2025-06-10&to=2025-06-12&sort=price"), 400, "VALIDATION_FAILED");
    expectProblem(await report("products", "from=2025-06-10&to=2025-06-12&cursor=nonsense"), 400, "VALIDATION_FAILED");
    expectProblem(await report("sales", "from=2025-06-10&to=2025-06-12&group_by=warehouse"), 400, "VALIDATION_FAILED");
  });

  it("are for managers, admins and keys with reports:read", async () => {
    const customer = await signInAs("customer");
    const withScope = await createApiKey(admin, { scopes: ["reports:read"] });
    const withoutScope = await createApiKey(admin, { scopes: ["orders:read"] });
    for (const name of ["orders", "customers", "products"]) {
      const query = "from=2025-06-10&to=2025-06-12";
      expectProblem(await report(name, query, customer.token), 403, "FORBIDDEN");
      expectProblem(await report(name, query, withoutScope.secret), 403, "FORBIDDEN");
      expect((await report(name, query, manager.token)).status).toBe(200);
      expect((await report(name, query, admin.token)).status).toBe(200);
      expect((await report(name, query, withScope.secret)).status).toBe(200);
    }
  });
});
