// Storefront listing: what every category page of a shop calls.
const SORTS = ["sort=created_at&order=desc", "sort=price&order=asc", "sort=name&order=asc"];

export default {
  name: "store-list",
  title: "GET /v1/store/products?limit=24 with filters and sort, rotating categories and pages, anonymous",
  needs: () => [["GET", "/v1/store/products?limit=1"]],
  async run(ctx) {
    // Page 1 and page 2 (through the real next_cursor) of every category × sort, with a
    // price band on every third; top-level categories include their descendants.
    const categories = ctx.dataset.categories.slice(0, ctx.quick ? 20 : ctx.dataset.categories.length);
    const urls = [];
    for (const [i, category] of categories.entries()) {
      for (const sort of SORTS) {
        const scope = category.parent_id === null ? "&include_descendants=true" : "";
        const band = i % 3 === 0 ? "&min_price=1000&max_price=30000" : "";
        const first = `/v1/store/products?limit=24&category_id=${category.id}${scope}${band}&${sort}`;
        urls.push(first);
        const page = await ctx.api.expect(200, "GET", first);
        if (page.body.next_cursor) urls.push(`${first}&cursor=${encodeURIComponent(page.body.next_cursor)}`);
      }
    }
    const load = await ctx.load({
      label: "store-list",
      connections: ctx.settings.connections,
      request: (i) => ({ path: urls[i % urls.length] }),
    });
    return [
      {
        name: "store-list",
        load,
        target: { kind: "ratio", min: 0.4 },
        checks: [ctx.checkStatuses(load, [200])],
        notes: [`${urls.length} distinct URLs`],
      },
    ];
  },
};
