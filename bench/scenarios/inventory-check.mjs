// "Could these five lines be sold right now?": five reads from five stock objects.
export default {
  name: "inventory-check",
  title: "POST /v1/inventory/check with 5 lines across products, as staff",
  needs: () => [["POST", "/v1/inventory/check"]],
  async run(ctx) {
    const token = await ctx.adminToken();
    const products = ctx.dataset.products;
    const bodies = Array.from({ length: 2_000 }, () => {
      const lines = ctx.sampleDistinct(products, 5).map((p) => ({ product_id: p.id, qty: 1 + ctx.randomInt(3) }));
      return JSON.stringify({ lines });
    });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const load = await ctx.load({
      label: "inventory-check",
      connections: ctx.settings.connections,
      request: (i) => ({ method: "POST", path: "/v1/inventory/check", headers, body: bodies[i % bodies.length] }),
    });
    return [
      {
        name: "inventory-check",
        load,
        target: { kind: "ratio", min: 0.25 },
        checks: [ctx.checkStatuses(load, [200])],
      },
    ];
  },
};
