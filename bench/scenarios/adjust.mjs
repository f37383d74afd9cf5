// Stock adjustments spread over the catalog (one object per product, unlike
// hot-sku-adjust's single object): the stock-adjustment row of the round-trip targets.
import { randomUUID } from "node:crypto";

export default {
  name: "adjust",
  title: "POST /v1/inventory/{id}/adjustments (delta +1) across products, staff token, 32 concurrent",
  needs: () => [["POST", "/v1/inventory/prd_probe/adjustments"]],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const paths = ctx.dataset.published.map((p) => `/v1/inventory/${p.id}/adjustments`);
    const body = JSON.stringify({ delta: 1, reason: "received", reference: "bench adjust" });
    const load = await ctx.load({
      label: "adjust",
      connections: ctx.settings.connections,
      request: (i) => ({
        method: "POST",
        path: paths[i % paths.length],
        headers: {
          authorization: `Bearer ${admin}`,
          "content-type": "application/json",
          // Unique across the warm-up and the measured run.
          "idempotency-key": randomUUID(),
        },
        body,
      }),
    });
    return [
      {
        name: "adjust",
        load,
        target: { kind: "report" },
        checks: [ctx.checkStatuses(load, [201])],
        notes: [`${paths.length} products`],
        cpuReport: true,
      },
    ];
  },
};
