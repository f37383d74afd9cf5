// The hot SKU at the inventory level, on routes that exist today: 256 clients each
// taking one unit off one product with an adjustment. Same single object, same
// serialisation, no order rows: a floor for what hot-sku can reach.
import { projectionLag } from "../lib/projection-lag.mjs";
import { receiveStock, stockLevel } from "../lib/stock.mjs";

export default {
  name: "hot-sku-adjust",
  title: "POST /v1/inventory/{id}/adjustments (delta -1) on one product (stock 1,000,000), 256 concurrent",
  needs: () => [["POST", "/v1/inventory/prd_probe/adjustments"]],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const [product] = await ctx.scenarioProducts(1, "hot-adjust");
    await receiveStock(ctx.api, admin, product.id, 1_000_000);
    const before = await stockLevel(ctx.api, admin, product.id);
    const path = `/v1/inventory/${product.id}/adjustments`;
    const body = JSON.stringify({ delta: -1, reason: "damaged", reference: "bench hot-sku-adjust" });
    const run = ctx.runTag();
    const load = await ctx.load({
      label: "hot-sku-adjust",
      connections: 256,
      amount: ctx.quick ? 500 : 5_000,
      request: (i) => ({
        method: "POST",
        path,
        headers: {
          authorization: `Bearer ${admin}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${i}`,
        },
        body,
      }),
    });
    const after = await stockLevel(ctx.api, admin, product.id);
    const applied = load.statuses[201] ?? 0;
    const lag = await projectionLag(ctx.db, product.id, after.version);
    return [
      {
        name: "hot-sku-adjust",
        load,
        rate: { value: applied / load.duration_s, unit: "adjustments/s" },
        target: { kind: "rate", min: 1_000 },
        notes: [`D1 projection lag under this load (movement → D1): ${lag.detail}`],
        checks: [
          ctx.checkStatuses(load, [201]),
          {
            name: "units gone = adjustments applied",
            ok: before.on_hand - after.on_hand === applied,
            detail: `on_hand ${before.on_hand} → ${after.on_hand}, ${applied} adjustments answered 201`,
          },
          {
            name: "one version per adjustment",
            ok: after.version - before.version === applied,
            detail: `version ${before.version} → ${after.version}`,
          },
          { name: "D1 projection caught up", ok: lag.ok, detail: lag.detail },
        ],
      },
    ];
  },
};
