import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, dispatches } from "../../../src/db/schema";
import { sweepOverdueDispatches } from "../../../src/modules/dispatches";
import { type SignedIn, signInAs } from "../../support/auth";
import { db, draft, eventsOf, giveBack, key, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

let manager: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  [manager, operator] = await Promise.all([signInAs("manager"), signInAs("operator")]);
});

const year = new Date().getUTCFullYear();
const get = (id: string) => call<Record<string, unknown>>("GET", `/v1/dispatches/${id}`, { token: operator.token });

describe("a dispatch of samples", () => {
  it("goes out, comes back in parts, is consumed in part and ends closed, with events and audit rows", async () => {
    const { company, project, samples } = await shed(manager.token, 3);
    const [a, b, c] = samples.map((s) => s.id) as [string, string, string];
    const dsp = await draft(operator.token, {
      company_id: company.id,
      project_id: project.id,
      samples: [a, b, c],
      expected_return_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(dsp).toMatchObject({ status: "draft", number: expect.stringMatching(new RegExp(`^DSP-${year}-\\d{6}$`)) });
    const [created] = await eventsOf(dsp.id, "dispatch.created");
    expect(created?.data).toMatchObject({ number: dsp.number, status: "draft" });

    const sent = await send(operator.token, dsp.id);
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ status: "dispatched", outstanding_units: 3, samples: { out: 3 } });
    const sampleA = await call<{ status: string; history: unknown[] }>("GET", `/v1/samples/${a}`, {
      token: operator.token,
    });
    expect(sampleA.body).toMatchObject({
      status: "dispatched",
      dispatch_id: dsp.id,
      history: [{ dispatch_id: dsp.id, outcome: "out" }],
    });

    const first = await giveBack(operator.token, dsp.id, { samples: [{ sample_id: a, outcome: "returned" }] });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ status: "partially_returned", outstanding_units: 2 });

    const outstanding = await call<{ data: { id: string; samples_out: number; days_out: number; overdue: boolean }[] }>(
      "GET",
      `/v1/dispatches/outstanding?company_id=${company.id}`,
      { token: operator.token },
    );
    expect(outstanding.body.data).toEqual([
      expect.objectContaining({ id: dsp.id, samples_out: 2, days_out: 0, overdue: false }),
    ]);

    const last = await giveBack(operator.token, dsp.id, {
      samples: [
        { sample_id: b, outcome: "returned" },
        { sample_id: c, outcome: "consumed" },
      ],
    });
    expect(last.body).toMatchObject({
      status: "closed",
      outstanding_units: 0,
      samples: { returned: 2, consumed: 1, out: 0 },
    });
    const listed = await call<{ data: { outcome: string }[] }>("GET", `/v1/dispatches/${dsp.id}/samples`, {
      token: operator.token,
    });
    expect(listed.body.data.map((s) => s.outcome).sort()).toEqual(["consumed", "returned", "returned"]);
    const sampleC = await call("GET", `/v1/samples/${c}`, { token: operator.token });
    expect(sampleC.body).toMatchObject({ status: "consumed", dispatch_id: null });

    expect(await eventsOf(dsp.id, "dispatch.dispatched")).toHaveLength(1);
    expect(await eventsOf(dsp.id, "dispatch.returned")).toHaveLength(2);
    expect(await eventsOf(dsp.id, "dispatch.closed")).toHaveLength(1);
    const audit = await db().select({ action: auditLogs.action }).from(auditLogs).where(eq(auditLogs.entityId, dsp.id));
    expect(audit.map((r) => r.action).sort()).toEqual([
      "dispatch.created",
      "dispatch.dispatched",
      "dispatch.returned",
      "dispatch.returned",
    ]);
    expectProblem(
      await giveBack(operator.token, dsp.id, { samples: [{ sample_id: c, outcome: "returned" }] }),
      409,
      "INVALID_TRANSITION",
    );

    const page = await call("GET", `/v1/dispatches/${dsp.id}.html`, { token: operator.token });
    expect(page.status).toBe(200);
    expect(page.text).toContain(String(dsp.number));
    expect(page.text).toContain(String(company.name));
  });

  it("a return that brings everything back in good order leaves it returned, to be closed", async () => {
    const { company, samples } = await shed(manager.token, 1);
    const dsp = await draft(operator.token, { company_id: company.id, samples: [samples[0]?.id] });
    await send(operator.token, dsp.id);
    const back = await giveBack(operator.token, dsp.id, {
      samples: [{ sample_id: samples[0]?.id, outcome: "returned" }],
    });
    expect(back.body).toMatchObject({ status: "returned" });
    const closed = await call("POST", `/v1/dispatches/${dsp.id}/close`, { token: operator.token });
    expect(closed.body).toMatchObject({ status: "closed", closed_at: expect.any(String) });
    const sample = await call("PATCH", `/v1/samples/${samples[0]?.id}`, {
      token: operator.token,
      body: { status: "in_store" },
    });
    expect(sample.body).toMatchObject({ status: "in_store" });
  });

  it("refusals: cancelling a sent dispatch, a sample out elsewhere, returning what is not out, no key", async () => {
    const { company, samples } = await shed(manager.token, 2);
    const [a, b] = samples.map((s) => s.id) as [string, string];
    const one = await draft(operator.token, { company_id: company.id, samples: [a] });
    const two = await draft(operator.token, { company_id: company.id, samples: [a, b] });
    await send(operator.token, one.id);
    expectProblem(
      await call("POST", `/v1/dispatches/${one.id}/cancel`, { token: manager.token }),
      409,
      "INVALID_TRANSITION",
    );
    expectProblem(await call("POST", `/v1/dispatches/${one.id}/cancel`, { token: operator.token }), 403, "FORBIDDEN");
    const taken = await send(operator.token, two.id);
    expectProblem(taken, 409, "CONFLICT");
    expect((await call("GET", `/v1/samples/${b}`, { token: operator.token })).body).toMatchObject({
      status: "in_store",
    });
    expectProblem(
      await giveBack(operator.token, one.id, { samples: [{ sample_id: b, outcome: "returned" }] }),
      409,
      "CONFLICT",
    );
    const noKey = await call("POST", `/v1/dispatches/${one.id}/return`, {
      token: operator.token,
      body: { samples: [{ sample_id: a, outcome: "returned" }] },
    });
    expectProblem(noKey, 400, "VALIDATION_FAILED");
    const cancelled = await call("POST", `/v1/dispatches/${two.id}/cancel`, { token: manager.token });
    expect(cancelled.body).toMatchObject({ status: "cancelled" });
    expectProblem(await send(operator.token, two.id), 409, "INVALID_TRANSITION");
  });

  it("the same key repeated is one effect; concurrent returns with different keys never bring back more than went out", async () => {
    const { company, samples } = await shed(manager.token, 5);
    const dsp = await draft(operator.token, { company_id: company.id, samples: samples.map((s) => s.id) });
    const k = key();
    const twice = await Promise.all([send(operator.token, dsp.id, k), send(operator.token, dsp.id, k)]);
    expect(twice.map((r) => r.status)).toEqual([200, 200]);
    expect(await eventsOf(dsp.id, "dispatch.dispatched")).toHaveLength(1);

    const same = key();
    const body = { samples: [{ sample_id: samples[0]?.id, outcome: "returned" }] };
    const repeated = await Promise.all([
      giveBack(operator.token, dsp.id, body, same),
      giveBack(operator.token, dsp.id, body, same),
    ]);
    expect(repeated.map((r) => r.status)).toEqual([201, 201]);
    expect(await eventsOf(dsp.id, "dispatch.returned")).toHaveLength(1);

    const racing = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        giveBack(operator.token, dsp.id, { samples: [{ sample_id: samples[1 + (i % 4)]?.id, outcome: "returned" }] }),
      ),
    );
    expect(racing.filter((r) => r.status === 201)).toHaveLength(4);
    expect(racing.filter((r) => r.status === 409)).toHaveLength(16);
    expect(await eventsOf(dsp.id, "dispatch.returned")).toHaveLength(5);
    expect((await get(dsp.id)).body).toMatchObject({ status: "returned", samples: { out: 0, returned: 5 } });
  });
});

describe("a dispatch at its maximum", () => {
  it("sends 1,000 samples and takes them back in one return, within D1's limits", async () => {
    const { company } = await shed(manager.token, 0);
    const lot = `LOT-${crypto.randomUUID().slice(0, 8)}`;
    const rows = Array.from({ length: 1000 }, (_, i) => ({ number: `${lot}-${i}`, lot, type: "pulp" }));
    const batch = await call<{ results: { sample: { id: string } }[] }>("POST", "/v1/samples:batch", {
      token: operator.token,
      body: { samples: rows },
    });
    const ids = batch.body.results.map((r) => r.sample.id);
    const dsp = await draft(operator.token, { company_id: company.id, samples: ids });
    const sent = await send(operator.token, dsp.id);
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ samples: { total: 1000, out: 1000 } });
    const back = await giveBack(operator.token, dsp.id, {
      samples: ids.map((id, i) => ({ sample_id: id, outcome: i % 2 ? "returned" : "consumed" })),
    });
    expect(back.status, back.text).toBe(201);
    expect(back.body).toMatchObject({ status: "closed", samples: { out: 0, returned: 500, consumed: 500 } });
    const listed = await call<{ data: unknown[] }>(
      "GET",
      `/v1/samples?status=consumed&number_prefix=${lot}-&limit=200`,
      {
        token: operator.token,
      },
    );
    expect(listed.body.data).toHaveLength(200);
  });
});

describe("the overdue sweep", () => {
  it("emits exactly one dispatch.overdue per late dispatch, however often and concurrently it runs", async () => {
    const { company, samples } = await shed(manager.token, 3);
    const late = await draft(operator.token, {
      company_id: company.id,
      samples: [samples[0]?.id],
      expected_return_at: new Date(Date.now() + 60_000).toISOString(),
    });
    const onTime = await draft(operator.token, {
      company_id: company.id,
      samples: [samples[1]?.id],
      expected_return_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const notReturnable = await draft(operator.token, { company_id: company.id, samples: [samples[2]?.id] });
    for (const d of [late, onTime, notReturnable]) await send(operator.token, d.id);

    const inTwoMinutes = Date.now() + 120_000;
    await Promise.all([sweepOverdueDispatches(db(), inTwoMinutes), sweepOverdueDispatches(db(), inTwoMinutes)]);
    await sweepOverdueDispatches(db(), inTwoMinutes + 60_000);
    expect(await eventsOf(late.id, "dispatch.overdue")).toHaveLength(1);
    expect(await eventsOf(onTime.id, "dispatch.overdue")).toHaveLength(0);
    expect(await eventsOf(notReturnable.id, "dispatch.overdue")).toHaveLength(0);
    const [row] = await db().select().from(dispatches).where(eq(dispatches.id, late.id));
    expect(row?.overdueEventId).toBe((await eventsOf(late.id, "dispatch.overdue"))[0]?.id);

    await db()
      .update(dispatches)
      .set({ expectedReturnAt: new Date(Date.now() - 60_000).toISOString() })
      .where(eq(dispatches.id, late.id));
    const overdue = await call<{ data: { id: string; overdue: boolean }[] }>(
      "GET",
      `/v1/dispatches/outstanding?company_id=${company.id}&overdue=true`,
      { token: operator.token },
    );
    expect(overdue.body.data).toEqual([expect.objectContaining({ id: late.id, overdue: true })]);
  });
});
