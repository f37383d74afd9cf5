import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dashboard } from "../../../src/modules/reports/dashboard";
import { startOfDay } from "../../../src/modules/reports/periods";
import { paidRollups, refundRollups, salesRollup } from "../../../src/modules/reports/rollups";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { db, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { changeSettings } from "../../support/settings";

/*
 * A small fixed data set in New York time, written with the rollup statements the
 * orders module uses, at fixed instants:
 * - order A placed and paid 2026-03-10 15:00Z (NY 11:00 on the 10th): 1,000 with tax; P1 2 × 400,
 *   one unit sold from location L1, one from a location since deleted (GONE).
 * - order B placed and paid 2026-03-11 03:30Z (NY 23:30 on the 10th): 500; P2 1 × 500 from L1.
 * - a refund of A, 300 (P1 1 × 300 before tax), at 2026-03-12 03:00Z: the 12th in UTC but
 *   still the 11th in New York (EDT, UTC−4); the unit is L1's (the first on a tie).
 * - order C placed 2026-03-12 14:00Z and cancelled the same day.
 */
const ZONE = "America/New_York";
const CURRENCY = "JPY";
const P1 = "prd_report_p1";
const P2 = "prd_report_p2";
const GONE = "loc_report_gone";

let admin: SignedIn;
let manager: SignedIn;
let previous: { time_zone: string; currency: string };
let l1: { id: string; code: string };

const sold = (location_id: string, qty: number) => ({ location_id, qty });

async function seed() {
  const d = db;
  const at = (iso: string) => ({ timeZone: ZONE, at: iso, currency: CURRENCY });
  await d.batch([
    salesRollup(d, at("2026-03-10T15:00:00Z"), { ordersCreated: 1 }),
    ...paidRollups(d, at("2026-03-10T15:00:00Z"), 1000, [
      { productId: P1, qty: 2, amount: 800, allocations: [sold(l1.id, 1), sold(GONE, 1)] },
    ]),
    salesRollup(d, at("2026-03-11T03:30:00Z"), { ordersCreated: 1 }),
    ...paidRollups(d, at("2026-03-11T03:30:00Z"), 500, [
      { productId: P2, qty: 1, amount: 500, allocations: [sold(l1.id, 1)] },
    ]),
    ...refundRollups(d, at("2026-03-12T03:00:00Z"), 300, [
      { productId: P1, qty: 1, amount: 300, allocations: [sold(l1.id, 1), sold(GONE, 1)], refundedBefore: 0 },
    ]),
    salesRollup(d, at("2026-03-12T14:00:00Z"), { ordersCreated: 1 }),
    salesRollup(d, at("2026-03-12T14:30:00Z"), { ordersCancelled: 1 }),
  ]);
}

beforeAll(async () => {
  admin = await signInAs("admin");
  manager = await signInAs("manager");
  l1 = await createLocation();
  const current = await changeSettings(admin, {});
  previous = { time_zone: current.time_zone, currency: current.currency };
  await changeSettings(admin, { time_zone: ZONE, currency: CURRENCY });
  await seed();
});

// Other test files share the database and its settings.
afterAll(async () => {
  await changeSettings(admin, previous);
});

const sales = (user: { token: string }, query: string) =>
  call<{ data: Record<string, unknown>[]; currency: string }>("GET", `/v1/reports/sales?${query}`, {
    token: user.token,
  });

describe("GET /v1/reports/sales", () => {
  it("gives each New York day its sales, the late refund on the 11th", async () => {
    const res = await sales(manager, "from=2026-03-10&to=2026-03-12");
    expect(res.status, res.text).toBe(200);
    expect(res.body.currency).toBe(CURRENCY);
    expect(res.body.data).toEqual([
      {
        period: "2026-03-10",
        group: null,
        location_code: null,
        orders: 2,
        gross_sales: 1500,
        refunds: 0,
        net_sales: 1500,
        units_sold: 3,
        units_refunded: 0,
      },
      {
        period: "2026-03-11",
        group: null,
        location_code: null,
        orders: 0,
        gross_sales: 0,
        refunds: 300,
        net_sales: -300,
        units_sold: 0,
        units_refunded: 1,
      },
      {
        period: "2026-03-12",
        group: null,
        location_code: null,
        orders: 1,
        gross_sales: 0,
        refunds: 0,
        net_sales: 0,
        units_sold: 0,
        units_refunded: 0,
      },
    ]);
  });

  it("sums weeks from Monday and months, and groups by product", async () => {
    const week = await sales(manager, "from=2026-03-01&to=2026-03-31&interval=week");
    expect(week.body.data).toEqual([
      {
        period: "2026-03-09",
        group: null,
        location_code: null,
        orders: 3,
        gross_sales: 1500,
        refunds: 300,
        net_sales: 1200,
        units_sold: 3,
        units_refunded: 1,
      },
    ]);
    const month = await sales(manager, "from=2026-03-01&to=2026-03-31&interval=month&group_by=product");
    expect(month.body.data).toEqual([
      {
        period: "2026-03",
        group: P1,
        location_code: null,
        orders: 0,
        gross_sales: 800,
        refunds: 300,
        net_sales: 500,
        units_sold: 2,
        units_refunded: 1,
      },
      {
        period: "2026-03",
        group: P2,
        location_code: null,
        orders: 0,
        gross_sales: 500,
        refunds: 0,
        net_sales: 500,
        units_sold: 1,
        units_refunded: 0,
      },
    ]);
    const byCategory = await sales(manager, "from=2026-03-01&to=2026-03-31&interval=month&group_by=category");
    expect(byCategory.body.data).toEqual([
      {
        period: "2026-03",
        group: "uncategorised",
        location_code: null,
        orders: 0,
        gross_sales: 1300,
        refunds: 300,
        net_sales: 1000,
        units_sold: 3,
        units_refunded: 1,
      },
    ]);
    // By where the units were sold from; the locations add up to the products.
    const byLocation = await sales(manager, "from=2026-03-01&to=2026-03-31&interval=month&group_by=location");
    expect(byLocation.status, byLocation.text).toBe(200);
    expect(byLocation.body.data).toEqual([
      {
        period: "2026-03",
        group: l1.id,
        location_code: l1.code,
        orders: 0,
        gross_sales: 900,
        refunds: 300,
        net_sales: 600,
        units_sold: 2,
        units_refunded: 1,
      },
      {
        period: "2026-03",
        group: GONE,
        location_code: null,
        orders: 0,
        gross_sales: 400,
        refunds: 0,
        net_sales: 400,
        units_sold: 1,
        units_refunded: 0,
      },
    ]);
  });

  it("refuses a reversed or too long range and a bad interval", async () => {
    expectProblem(await sales(manager, "from=2026-03-12&to=2026-03-10"), 400, "VALIDATION_FAILED");
    expectProblem(await sales(manager, "from=2024-01-01&to=2026-01-01"), 400, "VALIDATION_FAILED");
    expectProblem(await sales(manager, "from=2026-03-01&to=2026-03-02&interval=hour"), 400, "VALIDATION_FAILED");
    expectProblem(await sales(manager, "from=2026-03-01&to=2026-03-02&group_by=warehouse"), 400, "VALIDATION_FAILED");
    expectProblem(await sales(manager, "from=03/01/2026&to=2026-03-02"), 400, "VALIDATION_FAILED");
  });

  it("is for managers, admins and keys with reports:read", async () => {
    expectProblem(await sales(await signInAs("operator"), "from=2026-03-10&to=2026-03-12"), 403, "FORBIDDEN");
    expectProblem(await sales(await signInAs("customer"), "from=2026-03-10&to=2026-03-12"), 403, "FORBIDDEN");
    const key = await createApiKey(admin, { scopes: ["reports:read"] });
    expect((await sales({ token: key.secret }, "from=2026-03-10&to=2026-03-12")).status).toBe(200);
    expect((await call("GET", "/v1/reports/dashboard", { token: key.secret })).status).toBe(200);
  });
});

describe("the dashboard", () => {
  it("sums today, 7 and 30 days in the store's zone", async () => {
    // 2026-03-12 16:00Z is midday on the 12th in New York.
    const board = await dashboard(db, Date.parse("2026-03-12T16:00:00Z"));
    expect(board.today).toBe("2026-03-12");
    expect(board.currency).toBe(CURRENCY);
    expect(board.sales.today).toMatchObject({
      gross_sales: 0,
      refunds: 0,
      orders: 1,
      orders_paid: 0,
      average_order_value: 0,
    });
    expect(board.sales.last_7_days).toMatchObject({
      gross_sales: 1500,
      refunds: 300,
      net_sales: 1200,
      orders: 3,
      orders_paid: 2,
      average_order_value: 750,
    });
    expect(board.sales.last_30_days.net_sales).toBe(1200);
    const viaApi = await call<{ time_zone: string; stock: Record<string, number> }>("GET", "/v1/reports/dashboard", {
      token: manager.token,
    });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.time_zone).toBe(ZONE);
    expect(Object.keys(viaApi.body.stock).sort()).toEqual([
      "low_stock",
      "on_hand",
      "out_of_stock",
      "products_without_cost",
      "value_at_cost",
    ]);
  });

  it("values stock at cost over the products that have a unit_cost", async () => {
    const costed = await stockedProduct(4);
    await stockedProduct(3);
    const patched = await call<{ unit_cost: number | null }>("PATCH", `/v1/products/${costed.id}`, {
      token: manager.token,
      body: { unit_cost: 300 },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.unit_cost).toBe(300);
    // Other files' stock shares the tables, some of it costed too: what this product adds
    // is the dashboard's value less the others', read on both sides of it until unchanged.
    const othersValue = async () => {
      const [row] = await db.all<{ value: number }>(sql`
        SELECT coalesce(sum(l.on_hand * p.unit_cost), 0) AS value FROM stock_levels l
        JOIN products p ON p.id = l.product_id WHERE p.unit_cost IS NOT NULL AND p.id <> ${costed.id}`);
      return row?.value ?? 0;
    };
    await vi.waitFor(
      async () => {
        const before = await othersValue();
        const board = await dashboard(db);
        expect(await othersValue()).toBe(before);
        expect(board.stock.value_at_cost - before).toBe(1200);
        expect(board.stock.on_hand).toBeGreaterThanOrEqual(7);
        expect(board.stock.products_without_cost).toBeGreaterThanOrEqual(1);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it("finds where a New York day starts, across the DST change", () => {
    expect(startOfDay(ZONE, "2026-03-12")).toBe("2026-03-12T04:00:00.000Z");
    expect(startOfDay(ZONE, "2026-01-12")).toBe("2026-01-12T05:00:00.000Z");
    expect(startOfDay("UTC", "2026-01-12")).toBe("2026-01-12T00:00:00.000Z");
  });
});
