import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stockMovements } from "../../../src/db/schema";
import { movementRollups } from "../../../src/durable/inventory/movement-rollup";
import { dayIn } from "../../../src/lib/days";
import { type Movement, type MovementReason, movementRow } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { expectProblem } from "../../support/problem";
import { changeSettings } from "../../support/settings";
import { adjust, changeState, costedProduct, projected } from "./stock-support";

/*
 * A fixed series at a location of its own (New York time), written with the statements
 * the projection uses: P received 10 on 1 April (16:00Z), sold 3 at 03:00Z on the 2nd
 * (still the 1st in New York) and 2 on 7 April; Q dispatched 4 and had a hold placed on 2 April.
 */
const ZONE = "America/New_York";
const SERIES_AT = `loc_series_${crypto.randomUUID().slice(0, 8)}`;

function movement(productId: string, reason: MovementReason, delta: number, at: string): Movement {
  return {
    id: `mov_${crypto.randomUUID()}`,
    seq: 1,
    product_id: productId,
    location_id: SERIES_AT,
    operation_id: "op",
    reason,
    delta_on_hand: delta,
    delta_reserved: reason === "reserved" ? 1 : 0,
    delta_damaged: 0,
    delta_quarantine: 0,
    delta_incoming: 0,
    delta_out: 0,
    on_hand: 0,
    reserved: 0,
    damaged: 0,
    quarantine: 0,
    incoming: 0,
    out: 0,
    version: 1,
    reservation_id: null,
    reference: null,
    note: null,
    actor: null,
    created_at: at,
  };
}

const SERIES = [
  movement("prd_series_p", "received", 10, "2026-04-01T16:00:00.000Z"),
  movement("prd_series_p", "sale", -3, "2026-04-02T03:00:00.000Z"),
  movement("prd_series_p", "sale", -2, "2026-04-07T15:00:00.000Z"),
  movement("prd_series_q", "dispatch", -4, "2026-04-02T15:00:00.000Z"),
  movement("prd_series_q", "reserved", 0, "2026-04-02T16:00:00.000Z"),
];

/** The projection's batch for these movements: rollup rows first, then the movements. */
const flush = (movements: Movement[]) => {
  const now = new Date().toISOString();
  const [first, ...rest] = [
    ...movementRollups(db, ZONE, movements),
    ...movements.map((m) => db.insert(stockMovements).values(movementRow(m, now)).onConflictDoNothing()),
  ];
  if (!first) throw new Error("nothing to flush");
  return db.batch([first, ...rest]);
};

let admin: SignedIn;
let manager: SignedIn;
let previous: string;

beforeAll(async () => {
  [admin, manager] = await Promise.all([signInAs("admin"), signInAs("manager")]);
  previous = (await changeSettings(admin, {})).time_zone;
  await changeSettings(admin, { time_zone: ZONE });
  await flush(SERIES);
});

afterAll(async () => {
  await changeSettings(admin, { time_zone: previous });
});

interface Report {
  currency: string;
  movements: { period: string; reason: string; movements: number; units_in: number; units_out: number }[];
  stock_value: { locations: Record<string, unknown>[]; total: Record<string, number> };
  slow_movers: { product_id: string; on_hand: number; units_out: number }[];
}

const report = (user: { token: string }, query: string) =>
  call<Report>("GET", `/v1/reports/inventory?${query}`, { token: user.token });

describe("GET /v1/reports/inventory", () => {
  it("gives movements by New York day and reason, a re-delivered flush counting once", async () => {
    await flush(SERIES.slice(0, 2)); // the same movements again: already in D1, nothing added
    const res = await report(manager, `from=2026-04-01&to=2026-04-07&location_id=${SERIES_AT}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.movements).toEqual([
      { period: "2026-04-01", reason: "received", movements: 1, units_in: 10, units_out: 0 },
      { period: "2026-04-01", reason: "sale", movements: 1, units_in: 0, units_out: 3 },
      { period: "2026-04-02", reason: "dispatch", movements: 1, units_in: 0, units_out: 4 },
      { period: "2026-04-02", reason: "reserved", movements: 1, units_in: 0, units_out: 0 },
      { period: "2026-04-07", reason: "sale", movements: 1, units_in: 0, units_out: 2 },
    ]);
    const weeks = await report(manager, `from=2026-03-30&to=2026-04-30&interval=week&location_id=${SERIES_AT}`);
    expect(weeks.body.movements).toEqual([
      { period: "2026-03-30", reason: "dispatch", movements: 1, units_in: 0, units_out: 4 },
      { period: "2026-03-30", reason: "received", movements: 1, units_in: 10, units_out: 0 },
      { period: "2026-03-30", reason: "reserved", movements: 1, units_in: 0, units_out: 0 },
      { period: "2026-03-30", reason: "sale", movements: 1, units_in: 0, units_out: 3 },
      { period: "2026-04-06", reason: "sale", movements: 1, units_in: 0, units_out: 2 },
    ]);
    const months = await report(manager, `from=2026-04-02&to=2026-04-30&interval=month&location_id=${SERIES_AT}`);
    expect(months.body.movements).toEqual([
      { period: "2026-04", reason: "dispatch", movements: 1, units_in: 0, units_out: 4 },
      { period: "2026-04", reason: "reserved", movements: 1, units_in: 0, units_out: 0 },
      { period: "2026-04", reason: "sale", movements: 1, units_in: 0, units_out: 2 },
    ]);
  });

  it("values a location's stock at cost, counts what has no cost, and lists its slow movers", async () => {
    const here = await createLocation();
    const [a, b, c] = await Promise.all([costedProduct(250), costedProduct(100), costedProduct(null)]);
    await Promise.all([adjust(a, here.id, 10), adjust(b, here.id, 4), adjust(c, here.id, 5), adjust(a, null, 2)]);
    // Three of A leave on a dispatch: on hand goes to `out`.
    await changeState(a, { location_id: here.id, from: "sellable", to: "out", qty: 3 });
    await Promise.all([projected(a), projected(b), projected(c)]);

    const today = dayIn(ZONE, new Date().toISOString());
    const res = await report(manager, `from=${today}&to=${today}&location_id=${here.id}&limit=5`);
    expect(res.status, res.text).toBe(200);
    const value = { on_hand: 16, value_at_cost: 7 * 250 + 4 * 100, units_without_cost: 5, products_without_cost: 1 };
    expect(res.body.stock_value).toEqual({
      locations: [{ location_id: here.id, name: `Location ${here.code}`, ...value }],
      total: value,
    });
    expect(res.body.slow_movers).toEqual([
      expect.objectContaining({ product_id: c, on_hand: 5, units_out: 0 }),
      expect.objectContaining({ product_id: b, on_hand: 4, units_out: 0 }),
      expect.objectContaining({ product_id: a, on_hand: 7, units_out: 3 }),
    ]);
    // The flush wrote today's rollup rows with the movements.
    expect(res.body.movements).toEqual([
      { period: today, reason: "dispatch", movements: 1, units_in: 0, units_out: 3 },
      { period: today, reason: "received", movements: 3, units_in: 19, units_out: 0 },
    ]);
    const limited = await report(manager, `from=${today}&to=${today}&location_id=${here.id}&limit=1`);
    expect(limited.body.slow_movers.map((s) => s.product_id)).toEqual([c]);
  });

  it("refuses a reversed or too long range and a bad limit", async () => {
    expectProblem(await report(manager, "from=2026-04-12&to=2026-04-10"), 400, "VALIDATION_FAILED");
    expectProblem(await report(manager, "from=2024-01-01&to=2026-01-01"), 400, "VALIDATION_FAILED");
    expectProblem(await report(manager, "from=2026-04-01&to=2026-04-02&limit=101"), 400, "VALIDATION_FAILED");
    expectProblem(await report(manager, "from=2026-04-01&to=2026-04-02&interval=year"), 400, "VALIDATION_FAILED");
  });
});
