// Storefront product page: by slug, then revalidated with If-None-Match (the 304 path
// a browser or CDN takes for a page it already has).
export default {
  name: "store-get",
  title: "GET /v1/store/products/{slug}, without and with If-None-Match",
  needs: (ctx) => [["GET", `/v1/store/products/${ctx.dataset.published[0].slug}`]],
  async run(ctx) {
    const sample = ctx.dataset.published.slice(0, ctx.quick ? 200 : 2_000);
    const etags = [];
    for (const product of sample) {
      const res = await ctx.api.expect(200, "GET", `/v1/store/products/${product.slug}`);
      etags.push(res.headers.get("etag"));
    }
    const paths = sample.map((p) => `/v1/store/products/${p.slug}`);
    const plain = await ctx.load({
      label: "store-get",
      connections: ctx.settings.connections,
      request: (i) => ({ path: paths[i % paths.length] }),
    });
    const results = [
      {
        name: "store-get",
        load: plain,
        target: { kind: "ratio", min: 0.6 },
        checks: [ctx.checkStatuses(plain, [200])],
        notes: [`${paths.length} products`],
        cpuReport: true,
      },
    ];
    if (etags.some((e) => !e)) {
      results.push({ name: "store-get-304", skipped: "responses carry no ETag" });
      return results;
    }
    const revalidated = await ctx.load({
      label: "store-get-304",
      connections: ctx.settings.connections,
      request: (i) => ({ path: paths[i % paths.length], headers: { "if-none-match": etags[i % etags.length] } }),
    });
    results.push({
      name: "store-get-304",
      load: revalidated,
      target: { kind: "ratio", min: 0.8 },
      checks: [ctx.checkStatuses(revalidated, [304])],
    });
    return results;
  },
};
