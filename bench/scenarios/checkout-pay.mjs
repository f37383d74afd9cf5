// Checkout to paid: one-line orders placed by signed-in customers, then each paid by
// staff (manual provider). Two loads over the same orders, so the figures per order are
// the sum of the two rows: p50 latency checkout + pay, and CPU per order checkout + pay.
// The pay answer comes once the order is `processing` with its stock committed, however
// the build gets there (inline in the request, or through the order's workflow).
import { randomUUID } from "node:crypto";
import { receiveStock } from "../lib/stock.mjs";

export default {
  name: "checkout-pay",
  title:
    "POST /v1/orders then POST /v1/orders/{id}/pay: 1,000 orders (quick: 200), 16 concurrent, each ends processing",
  needs: () => [
    ["POST", "/v1/orders"],
    ["POST", "/v1/orders/{id}/pay"],
  ],
  async run(ctx) {
    const n = ctx.quick ? 200 : 1_000;
    const [tokens, admin, products] = await Promise.all([
      ctx.customerTokens(16),
      ctx.adminToken(),
      ctx.scenarioProducts(20, "checkout-pay"),
    ]);
    await Promise.all(products.map((p) => receiveStock(ctx.api, admin, p.id, n)));
    const run = ctx.runTag();
    const created = [];
    const checkoutLoad = await ctx.load({
      label: "checkout-pay:checkout",
      connections: 16,
      amount: n,
      request: (i) => ({
        method: "POST",
        path: "/v1/orders",
        headers: {
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${randomUUID()}`,
        },
        body: JSON.stringify({ lines: [{ product_id: products[i % products.length].id, qty: 1 }] }),
      }),
      onResponse: (status, body) => {
        if (status === 201) created.push(JSON.parse(body).id);
      },
    });
    const payLoad = await ctx.load({
      label: "checkout-pay:pay",
      connections: 16,
      amount: created.length,
      request: (i) => ({
        method: "POST",
        path: `/v1/orders/${created[i]}/pay`,
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ provider: "manual", method: "card" }),
      }),
    });
    const { results } = await ctx.db
      // One JSON parameter for the whole list: D1 binds at most 100.
      .prepare("SELECT status, COUNT(*) AS n FROM orders WHERE id IN (SELECT value FROM json_each(?)) GROUP BY status")
      .bind(JSON.stringify(created))
      .all();
    const processing = results.find((r) => r.status === "processing")?.n ?? 0;
    const p50 = (checkoutLoad.latency_ms.p50 ?? 0) + (payLoad.latency_ms.p50 ?? 0);
    const cpu = (checkoutLoad.cpu_ms_per_request.workerd ?? 0) + (payLoad.cpu_ms_per_request.workerd ?? 0);
    const rate = (load, ok) => ({ value: (load.statuses[ok] ?? 0) / load.duration_s, unit: "orders/s" });
    return [
      {
        name: "checkout-pay:checkout",
        load: checkoutLoad,
        rate: rate(checkoutLoad, 201),
        target: { kind: "report" },
        checks: [ctx.checkStatuses(checkoutLoad, [201])],
        cpuReport: true,
      },
      {
        name: "checkout-pay:pay",
        load: payLoad,
        rate: rate(payLoad, 200),
        target: { kind: "report" },
        checks: [
          ctx.checkStatuses(payLoad, [200]),
          { name: `all ${n} orders processing`, ok: processing === n, detail: `${processing} of ${created.length}` },
        ],
        notes: [`checkout → paid per order: p50 ${p50.toFixed(1)} ms, workerd CPU ${cpu.toFixed(2)} ms`],
        cpuReport: true,
      },
    ];
  },
};
