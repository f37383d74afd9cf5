import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../../src/lib/ids";
import { stockObject } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { draft, eventsOf, giveBack, key, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { insertProduct } from "../../support/products";

let manager: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  [manager, operator] = await Promise.all([signInAs("manager"), signInAs("operator")]);
});

async function stocked(qty: number): Promise<string> {
  const product = await insertProduct();
  const result = await stockObject(env.INVENTORY, product.id).adjust({
    movement_id: newId("mov"),
    delta: qty,
    reason: "received",
  });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return product.id;
}

/** The product's buckets, checked against the sums of its whole ledger. */
async function buckets(productId: string) {
  const object = stockObject(env.INVENTORY, productId);
  const [level, ledger] = await Promise.all([object.snapshot(), object.ledger({ limit: 1000 })]);
  const sum = (f: (m: (typeof ledger)[number]) => number) => ledger.reduce((n, m) => n + f(m), 0);
  expect({
    on_hand: sum((m) => m.delta_on_hand),
    damaged: sum((m) => m.delta_damaged),
    out: sum((m) => m.delta_out),
  }).toEqual({
    on_hand: level.on_hand,
    damaged: level.damaged,
    out: level.out,
  });
  expect(ledger).toHaveLength(level.version);
  return { on_hand: level.on_hand, damaged: level.damaged, out: level.out, reasons: ledger.map((m) => m.reason) };
}

describe("a mixed dispatch of stock and samples", () => {
  it("goes out, comes back in two partial returns and a consumption, and ends closed; buckets and ledger agree throughout", async () => {
    const { company, project, samples } = await shed(manager.token, 3);
    const [a, b, c] = samples.map((s) => s.id) as [string, string, string];
    const tray = await stocked(20);
    const dsp = await draft(operator.token, {
      company_id: company.id,
      project_id: project.id,
      lines: [{ product_id: tray, qty: 6 }],
      samples: [a, b, c],
    });
    expect(await buckets(tray)).toMatchObject({ on_hand: 20, out: 0 });

    const sent = await send(operator.token, dsp.id);
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ status: "dispatched", outstanding_units: 9 });
    expect(await buckets(tray)).toMatchObject({ on_hand: 14, damaged: 0, out: 6 });

    const first = await giveBack(operator.token, dsp.id, {
      lines: [
        { product_id: tray, qty: 2, condition: "good" },
        { product_id: tray, qty: 1, condition: "damaged" },
      ],
      samples: [{ sample_id: a, outcome: "returned" }],
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ status: "partially_returned", outstanding_units: 5 });
    expect(await buckets(tray)).toMatchObject({ on_hand: 17, damaged: 1, out: 3 });

    const second = await giveBack(operator.token, dsp.id, {
      lines: [
        { product_id: tray, qty: 1, condition: "good" },
        { product_id: tray, qty: 1, condition: "lost" },
      ],
      samples: [{ sample_id: b, outcome: "returned" }],
    });
    expect(second.body).toMatchObject({ status: "partially_returned", outstanding_units: 2 });
    expect(await buckets(tray)).toMatchObject({ on_hand: 18, damaged: 1, out: 1 });

    const outstanding = await call<{ data: { id: string; lines: { outstanding: number }[]; samples_out: number }[] }>(
      "GET",
      `/v1/dispatches/outstanding?project_id=${project.id}`,
      { token: operator.token },
    );
    expect(outstanding.body.data).toEqual([
      expect.objectContaining({ id: dsp.id, lines: [expect.objectContaining({ outstanding: 1 })], samples_out: 1 }),
    ]);

    const used = await giveBack(operator.token, dsp.id, {
      lines: [{ product_id: tray, qty: 1, condition: "consumed" }],
      samples: [{ sample_id: c, outcome: "consumed" }],
    });
    expect(used.body).toMatchObject({
      status: "closed",
      outstanding_units: 0,
      lines: [{ qty: 6, returned_good: 3, returned_damaged: 1, consumed: 1, lost: 1, outstanding: 0 }],
    });
    const end = await buckets(tray);
    expect(end).toMatchObject({ on_hand: 18, damaged: 1, out: 0 });
    expect(end.reasons.filter((r) => r === "dispatch")).toHaveLength(1);
    expect(end.reasons.filter((r) => r === "dispatch_return")).toHaveLength(5);
    expect(await eventsOf(dsp.id, "dispatch.closed")).toHaveLength(1);
    expectProblem(
      await giveBack(operator.token, dsp.id, { lines: [{ product_id: tray, qty: 1, condition: "good" }] }),
      409,
      "INVALID_TRANSITION",
    );
  });
});

describe("dispatching stock", () => {
  it("is all or nothing: a short line gives back what the others took, with per-line availability", async () => {
    const { company } = await shed(manager.token, 0);
    const [plenty, short] = await Promise.all([stocked(10), stocked(2)]);
    const dsp = await draft(operator.token, {
      company_id: company.id,
      lines: [
        { product_id: plenty, qty: 5 },
        { product_id: short, qty: 3 },
      ],
    });
    const res = await send(operator.token, dsp.id);
    const problem = expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(problem.lines).toEqual([
      { product_id: plenty, requested: 5, available: 5 },
      { product_id: short, requested: 3, available: 2 },
    ]);
    expect(await buckets(plenty)).toMatchObject({ on_hand: 10, out: 0 });
    expect(await buckets(short)).toMatchObject({ on_hand: 2, out: 0 });
    expect((await call("GET", `/v1/dispatches/${dsp.id}`, { token: operator.token })).body).toMatchObject({
      status: "draft",
    });
    const cancelled = await call("POST", `/v1/dispatches/${dsp.id}/cancel`, { token: manager.token });
    expect(cancelled.body).toMatchObject({ status: "cancelled" });
    expect(await buckets(plenty)).toMatchObject({ on_hand: 10, out: 0 });
  });

  it("50 concurrent dispatches racing for 30 units: never more out than was on hand", async () => {
    const { company } = await shed(manager.token, 0);
    const product = await stocked(30);
    const drafts = await Promise.all(
      Array.from({ length: 50 }, () =>
        draft(operator.token, { company_id: company.id, lines: [{ product_id: product, qty: 1 }] }),
      ),
    );
    const results = await Promise.all(drafts.map((d) => send(operator.token, d.id)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(30);
    expect(results.filter((r) => r.status === 409 && r.body.code === "INSUFFICIENT_STOCK")).toHaveLength(20);
    expect(await buckets(product)).toMatchObject({ on_hand: 0, out: 30 });
  });

  it("20 concurrent returns with different keys never bring back more than went out; the same key is one effect", async () => {
    const { company } = await shed(manager.token, 0);
    const product = await stocked(12);
    const dsp = await draft(operator.token, { company_id: company.id, lines: [{ product_id: product, qty: 10 }] });
    const k = key();
    const sends = await Promise.all([send(operator.token, dsp.id, k), send(operator.token, dsp.id, k)]);
    expect(sends.map((r) => r.status)).toEqual([200, 200]);
    expect(await buckets(product)).toMatchObject({ on_hand: 2, out: 10 });

    const once = key();
    const line = { lines: [{ product_id: product, qty: 1, condition: "good" }] };
    const repeated = await Promise.all([
      giveBack(operator.token, dsp.id, line, once),
      giveBack(operator.token, dsp.id, line, once),
    ]);
    expect(repeated.map((r) => r.status)).toEqual([201, 201]);
    expect(await buckets(product)).toMatchObject({ on_hand: 3, out: 9 });

    const racing = await Promise.all(Array.from({ length: 20 }, () => giveBack(operator.token, dsp.id, line)));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(9);
    expect(racing.filter((r) => r.status === 409)).toHaveLength(11);
    const end = await buckets(product);
    expect(end).toMatchObject({ on_hand: 12, out: 0 });
    expect(end.reasons.filter((r) => r === "dispatch_return")).toHaveLength(10);
    expect((await call("GET", `/v1/dispatches/${dsp.id}`, { token: operator.token })).body).toMatchObject({
      status: "returned",
    });
  });
});
