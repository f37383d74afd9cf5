// Checkout with stock spread over three fulfilling locations: each product has too few
// units at any one location for most lines, so holds split across locations. Compare
// with `checkout` (every unit at the default location).
import { fulfillingLocations, spreadStock } from "../lib/stock.mjs";

export default {
  name: "checkout-multi-location",
  title: "POST /v1/orders, 2 lines of 2 units, stock over 3 locations (1 unit each per order), 32 concurrent",
  needs: () => [
    ["POST", "/v1/orders"],
    ["POST", "/v1/locations"],
  ],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const tokens = await ctx.customerTokens(32);
    const locations = await fulfillingLocations(ctx.api, admin, 2);
    const products = await ctx.scenarioProducts(ctx.quick ? 20 : 100, "checkout-multi-location");
    for (const product of products) await spreadStock(ctx.api, admin, product.id, 3_000, locations);
    const bodies = Array.from({ length: 4_000 }, () =>
      JSON.stringify({ lines: ctx.sampleDistinct(products, 2).map((p) => ({ product_id: p.id, qty: 2 })) }),
    );
    const run = ctx.runTag();
    const load = await ctx.load({
      label: "checkout-multi-location",
      connections: 32,
      request: (i) => ({
        method: "POST",
        path: "/v1/orders",
        headers: {
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${i}`,
        },
        body: bodies[i % bodies.length],
      }),
    });
    const created = load.statuses[201] ?? 0;
    return [
      {
        name: "checkout-multi-location",
        load,
        rate: { value: created / load.duration_s, unit: "orders/s" },
        target: { kind: "rate", min: 500, p99Ms: 100 },
        checks: [ctx.checkStatuses(load, [201, 409])],
        notes: [`${created} orders created, ${load.statuses[409] ?? 0} refused for stock`],
        cpuReport: true,
      },
    ];
  },
};
