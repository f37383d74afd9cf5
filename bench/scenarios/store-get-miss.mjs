// Storefront product pages that are not cached yet: every request a product no
// earlier request asked for (the products store-get leaves alone), so each is a miss.
export default {
  name: "store-get-miss",
  title: "GET /v1/store/products/{slug}, each product once (cache misses)",
  needs: (ctx) => [["GET", `/v1/store/products/${ctx.dataset.published.at(-1).slug}`]],
  async run(ctx) {
    // store-get uses the first 200 (quick) / 2,000; misses take the rest, once each.
    const fresh = ctx.dataset.published.slice(ctx.quick ? 200 : 2_000, -1);
    const load = await ctx.load({
      label: "store-get-miss",
      connections: ctx.settings.connections,
      amount: fresh.length,
      request: (i) => ({ path: `/v1/store/products/${fresh[i % fresh.length].slug}` }),
    });
    return [
      {
        name: "store-get-miss",
        load,
        target: { kind: "report" },
        checks: [ctx.checkStatuses(load, [200])],
        notes: [`${fresh.length} products, each asked once`],
        cpuReport: true,
      },
    ];
  },
};
