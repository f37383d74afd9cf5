import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayIn } from "../../../src/lib/days";
import { dispatchRollup } from "../../../src/modules/dispatches/rollup";
import { type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { draft, giveBack, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { changeSettings } from "../../support/settings";
import { adjust, costedProduct, recomputedDispatches, storedDispatchRollups } from "./stock-support";

/*
 * A fixed data set in New York time for one company of its own, written with the
 * statements the dispatch and return batches use:
 * - to project P, sent 2026-05-04 14:00Z: 2 lines, 10 units, 3 samples;
 *   back 2026-05-06: 4 good, 1 damaged, 2 samples; 2026-05-10 15:00Z: 3 consumed, 2 lost,
 *   1 sample consumed, which leaves nothing out (6 days 1 hour after it was sent);
 * - without a project, sent 2026-05-09 02:00Z (still the 8th in New York): 1 line of 5 units.
 */
const ZONE = "America/New_York";
const COMPANY = `cmp_report_${crypto.randomUUID().slice(0, 8)}`;
const PROJECT = "prj_report_p";

async function seed() {
  const p = { companyId: COMPANY, projectId: PROJECT };
  const none = { companyId: COMPANY, projectId: null };
  await db.batch([
    dispatchRollup(db, ZONE, "2026-05-04T14:00:00.000Z", p, {
      dispatches: 1,
      lines: 2,
      unitsDispatched: 10,
      samplesDispatched: 3,
    }),
    dispatchRollup(db, ZONE, "2026-05-06T15:00:00.000Z", p, {
      unitsReturnedGood: 4,
      unitsReturnedDamaged: 1,
      samplesReturned: 2,
    }),
    dispatchRollup(db, ZONE, "2026-05-10T15:00:00.000Z", p, {
      unitsConsumed: 3,
      unitsLost: 2,
      samplesConsumed: 1,
      completed: 1,
      turnaroundSeconds: 6 * 86_400 + 3_600,
    }),
    dispatchRollup(db, ZONE, "2026-05-09T02:00:00.000Z", none, { dispatches: 1, lines: 1, unitsDispatched: 5 }),
  ]);
}

let admin: SignedIn;
let manager: SignedIn;
let operator: SignedIn;
let previous: string;

beforeAll(async () => {
  [admin, manager, operator] = await Promise.all([signInAs("admin"), signInAs("manager"), signInAs("operator")]);
  previous = (await changeSettings(admin, {})).time_zone;
  await changeSettings(admin, { time_zone: ZONE });
  await seed();
});

afterAll(async () => {
  await changeSettings(admin, { time_zone: previous });
});

interface Report {
  data: Record<string, unknown>[];
  total: Record<string, number | null>;
}

const report = (user: { token: string }, query: string) =>
  call<Report>("GET", `/v1/reports/dispatches?${query}`, { token: user.token });

const zero = {
  dispatches: 0,
  lines: 0,
  units_dispatched: 0,
  samples_dispatched: 0,
  units_returned_good: 0,
  units_returned_damaged: 0,
  units_consumed: 0,
  units_lost: 0,
  samples_returned: 0,
  samples_consumed: 0,
  units_outstanding: 0,
  samples_outstanding: 0,
  completed: 0,
  average_turnaround_days: null,
};
const party = { company_id: COMPANY, company_name: null, project_code: null };

describe("GET /v1/reports/dispatches", () => {
  it("sums the month by project, with the turnaround of the dispatch completed in it", async () => {
    const res = await report(manager, `from=2026-05-01&to=2026-05-31&company_id=${COMPANY}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual([
      { ...party, ...zero, project_id: null, dispatches: 1, lines: 1, units_dispatched: 5, units_outstanding: 5 },
      {
        ...party,
        ...zero,
        project_id: PROJECT,
        dispatches: 1,
        lines: 2,
        units_dispatched: 10,
        samples_dispatched: 3,
        units_returned_good: 4,
        units_returned_damaged: 1,
        units_consumed: 3,
        units_lost: 2,
        samples_returned: 2,
        samples_consumed: 1,
        completed: 1,
        average_turnaround_days: 6.04,
      },
    ]);
    expect(res.body.total).toEqual({
      dispatches: 2,
      units_dispatched: 15,
      units_returned: 5,
      units_consumed: 3,
      units_lost: 2,
      units_outstanding: 5,
      samples_outstanding: 0,
      completed: 1,
      average_turnaround_days: 6.04,
    });
  });

  it("counts what was still out at the end of a shorter range, from every day before it", async () => {
    const res = await report(manager, `from=2026-05-05&to=2026-05-07&company_id=${COMPANY}`);
    expect(res.body.data).toEqual([
      {
        ...party,
        ...zero,
        project_id: PROJECT,
        units_returned_good: 4,
        units_returned_damaged: 1,
        samples_returned: 2,
        units_outstanding: 5,
        samples_outstanding: 1,
      },
    ]);
    // The 8th in New York: the late-evening dispatch is in it, its project's return not yet.
    const eighth = await report(manager, `from=2026-05-08&to=2026-05-08&company_id=${COMPANY}`);
    expect(eighth.body.data.map((r) => [r.project_id, r.dispatches, r.units_outstanding])).toEqual([
      [null, 1, 5],
      [PROJECT, 0, 5],
    ]);
  });

  it("equals the recomputation after a real dispatch, two returns and its completion", async () => {
    const { company, project, samples } = await shed(manager.token, 2);
    const tray = await costedProduct(100);
    await adjust(tray, null, 20);
    const dsp = await draft(operator.token, {
      company_id: company.id,
      project_id: project.id,
      lines: [{ product_id: tray, qty: 6 }],
      samples: samples.map((s) => s.id),
    });
    expect((await send(operator.token, dsp.id)).status).toBe(200);
    const first = await giveBack(operator.token, dsp.id, {
      lines: [{ product_id: tray, qty: 2, condition: "good" }],
      samples: [{ sample_id: samples[0]?.id, outcome: "returned" }],
    });
    expect(first.status, first.text).toBe(201);
    const today = dayIn(ZONE, new Date().toISOString());
    const midway = await report(manager, `from=${today}&to=${today}&company_id=${company.id}`);
    expect(midway.body.data).toEqual([
      expect.objectContaining({
        project_id: project.id,
        dispatches: 1,
        units_dispatched: 6,
        samples_dispatched: 2,
        units_returned_good: 2,
        samples_returned: 1,
        units_outstanding: 4,
        samples_outstanding: 1,
        completed: 0,
      }),
    ]);
    const last = await giveBack(operator.token, dsp.id, {
      lines: [
        { product_id: tray, qty: 3, condition: "consumed" },
        { product_id: tray, qty: 1, condition: "damaged" },
      ],
      samples: [{ sample_id: samples[1]?.id, outcome: "consumed" }],
    });
    expect(last.body.status).toBe("closed");
    const stored = await storedDispatchRollups(company.id);
    expect(stored).toEqual(await recomputedDispatches(ZONE, company.id));
    expect(stored.reduce((n, r) => n + r.completed, 0)).toBe(1);
    const done = await report(manager, `from=${today}&to=${today}&company_id=${company.id}`);
    expect(done.body.data[0]).toMatchObject({ units_outstanding: 0, samples_outstanding: 0, completed: 1 });
  });

  it("refuses a reversed or too long range", async () => {
    expectProblem(await report(manager, "from=2026-05-12&to=2026-05-10"), 400, "VALIDATION_FAILED");
    expectProblem(await report(manager, "from=2024-01-01&to=2026-01-01"), 400, "VALIDATION_FAILED");
  });
});
