// Dispatch and return: drafts of one stock line and one sample each, sent, then brought
// back in one return each (one unit good, one consumed, the sample returned), so every
// dispatch ends closed. Afterwards nothing may be outstanding, and the product's stock
// object, its ledger and the projection must agree.
import { receiveStock, stockAgreementChecks } from "../lib/stock.mjs";

export default {
  name: "dispatch-return",
  title: "POST /v1/dispatches, …/dispatch, …/return: 1,000 dispatches (quick: 200), 16 concurrent, each ends closed",
  needs: () => [
    ["POST", "/v1/dispatches"],
    ["GET", "/v1/dispatches/outstanding"],
  ],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const run = ctx.runTag();
    const n = ctx.quick ? 200 : 1_000;
    const auth = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const company = (
      await ctx.api.expect(201, "POST", "/v1/companies", {
        token: admin,
        body: { name: `Lab ${run}`, kind: "laboratory" },
      })
    ).body;
    const project = (
      await ctx.api.expect(201, "POST", "/v1/projects", {
        token: admin,
        body: { company_id: company.id, name: "Bench", code: run, status: "active" },
      })
    ).body;
    const [product] = await ctx.scenarioProducts(1, "dispatch");
    await receiveStock(ctx.api, admin, product.id, 2 * n);
    const batch = (
      await ctx.api.expect(200, "POST", "/v1/samples:batch", {
        token: admin,
        body: { samples: Array.from({ length: n }, (_, i) => ({ number: `${run}-${i}`, lot: run, type: "pulp" })) },
      })
    ).body;
    const samples = batch.results.map((r) => r.sample.id);

    const draftLoad = await ctx.load({
      label: "dispatch-draft",
      connections: 16,
      amount: n,
      request: (i) => ({
        method: "POST",
        path: "/v1/dispatches",
        headers: auth,
        body: JSON.stringify({
          company_id: company.id,
          project_id: project.id,
          destination: { name: "Bench lab" },
          lines: [{ product_id: product.id, qty: 2 }],
          samples: [samples[i]],
        }),
      }),
    });
    // The drafts and their samples, read back from D1 (the load keeps no bodies).
    const { results: drafted } = await ctx.db
      .prepare(
        "SELECT d.id, s.sample_id FROM dispatches d JOIN dispatch_samples s ON s.dispatch_id = d.id WHERE d.company_id = ? ORDER BY d.id",
      )
      .bind(company.id)
      .all();
    if (drafted.length !== n) throw new Error(`dispatch-return: ${drafted.length} of ${n} drafts were created`);
    const drafts = drafted.map((d) => d.id);
    const sampleOf = new Map(drafted.map((d) => [d.id, d.sample_id]));
    const sendLoad = await ctx.load({
      label: "dispatch-send",
      connections: 16,
      amount: drafts.length,
      request: (i) => ({
        method: "POST",
        path: `/v1/dispatches/${drafts[i]}/dispatch`,
        headers: { ...auth, "idempotency-key": `${run}-send-${i}` },
        // An explicit empty JSON body: a bodiless POST through the load generator never got an answer.
        body: "{}",
      }),
    });
    const returnLoad = await ctx.load({
      label: "dispatch-return",
      connections: 16,
      amount: drafts.length,
      request: (i) => ({
        method: "POST",
        path: `/v1/dispatches/${drafts[i]}/return`,
        headers: { ...auth, "idempotency-key": `${run}-return-${i}` },
        body: JSON.stringify({
          lines: [
            { product_id: product.id, qty: 1, condition: "good" },
            { product_id: product.id, qty: 1, condition: "consumed" },
          ],
          samples: [{ sample_id: sampleOf.get(drafts[i]), outcome: "returned" }],
        }),
      }),
    });

    const outstanding = (
      await ctx.api.expect(200, "GET", `/v1/dispatches/outstanding?company_id=${company.id}`, { token: admin })
    ).body;
    const agreement = await stockAgreementChecks(ctx.api, ctx.db, admin, product.id);
    const level = agreement.level;
    const closedChecks = [
      {
        name: `all ${n} drafted, sent and closed`,
        ok: drafts.length === n && (sendLoad.statuses[200] ?? 0) === n && (returnLoad.statuses[201] ?? 0) === n,
        detail: `${drafts.length} drafts, ${sendLoad.statuses[200] ?? 0} sent, ${returnLoad.statuses[201] ?? 0} returned`,
      },
      {
        name: "nothing outstanding",
        ok: outstanding.data.length === 0,
        detail: `${outstanding.data.length} outstanding`,
      },
      {
        name: "on hand lost exactly the consumed units",
        ok: level.on_hand === n,
        detail: `on_hand ${level.on_hand} of ${2 * n} received, ${n} consumed`,
      },
      ...agreement.checks,
    ];
    const rate = (load, ok) => ({ value: (load.statuses[ok] ?? 0) / load.duration_s, unit: "dispatches/s" });
    return [
      {
        name: "dispatch-draft",
        load: draftLoad,
        rate: rate(draftLoad, 201),
        target: { kind: "report" },
        checks: [ctx.checkStatuses(draftLoad, [201])],
      },
      {
        name: "dispatch-send",
        load: sendLoad,
        rate: rate(sendLoad, 200),
        target: { kind: "report" },
        checks: [ctx.checkStatuses(sendLoad, [200])],
      },
      {
        name: "dispatch-return",
        load: returnLoad,
        rate: rate(returnLoad, 201),
        target: { kind: "report" },
        checks: [ctx.checkStatuses(returnLoad, [201]), ...closedChecks],
      },
    ];
  },
};
