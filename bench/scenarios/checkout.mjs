// Checkout: two-line orders across the catalog by signed-in customers, each with its
// own Idempotency-Key: two holds on two stock objects, then one D1 batch.
import { randomUUID } from "node:crypto";

/** 32 connections of two-line checkouts over `products`, `qty` units a line; the result row `label`. */
export async function checkoutRun(ctx, { label, products, qty }) {
  const tokens = await ctx.customerTokens(32);
  const bodies = Array.from({ length: 4_000 }, () =>
    JSON.stringify({ lines: ctx.sampleDistinct(products, 2).map((p) => ({ product_id: p.id, qty })) }),
  );
  const run = ctx.runTag();
  const load = await ctx.load({
    label,
    connections: 32,
    request: (i) => ({
      method: "POST",
      path: "/v1/orders",
      headers: {
        authorization: `Bearer ${tokens[i % tokens.length]}`,
        "content-type": "application/json",
        // Unique across loads too: the warm-up's requests i = 0, 1, … are the same
        // orders' keys otherwise, and a repeat waits for (or replays) the first.
        "idempotency-key": `${run}-${randomUUID()}`,
      },
      body: bodies[i % bodies.length],
    }),
  });
  const created = load.statuses[201] ?? 0;
  return {
    name: label,
    load,
    rate: { value: created / load.duration_s, unit: "orders/s" },
    target: { kind: "rate", min: 500, p99Ms: 100 },
    checks: [ctx.checkStatuses(load, [201, 409])],
    notes: [`${created} orders created, ${load.statuses[409] ?? 0} refused for stock`],
    cpuReport: true,
  };
}

export default {
  name: "checkout",
  title: "POST /v1/orders, 2 lines across products, customer tokens, unique idempotency keys, 32 concurrent",
  needs: () => [["POST", "/v1/orders"]],
  async run(ctx) {
    return [await checkoutRun(ctx, { label: "checkout", products: ctx.dataset.published, qty: 1 })];
  },
};
