// Staff search over the whole catalog through the FTS5 index: words, phrases, SKUs, barcodes.
import { SEARCH_TERMS } from "../lib/seed/catalog.mjs";

export default {
  name: "search",
  title: "GET /v1/products?q=… over the catalog, 16 concurrent, as staff",
  needs: () => [["GET", "/v1/products?q=probe"]],
  async run(ctx) {
    const token = await ctx.adminToken();
    const products = ctx.dataset.products;
    const terms = [
      ...SEARCH_TERMS,
      ...products.slice(0, 40).map((p) => p.sku),
      ...products.slice(40, 60).map((p) => p.barcode),
      ...products.slice(60, 80).map((p) => p.name.split(" ").slice(0, 2).join(" ")),
    ];
    const paths = terms.map((t) => `/v1/products?q=${encodeURIComponent(t)}&limit=24`);
    const headers = { authorization: `Bearer ${token}` };
    const load = await ctx.load({
      label: "search",
      connections: 16,
      request: (i) => ({ path: paths[i % paths.length], headers }),
    });
    return [
      {
        name: "search",
        load,
        target: { kind: "latency", p99Ms: 50 },
        checks: [ctx.checkStatuses(load, [200])],
        notes: [`${terms.length} queries`],
      },
    ];
  },
};
