// One product everybody wants: 256 customers ordering it at once. Every hold goes
// through that product's one stock object, so this is the ceiling of a single SKU.
import { receiveStock, stockLevel } from "../lib/stock.mjs";

export default {
  name: "hot-sku",
  title: "POST /v1/orders for one product (stock 1,000,000), 256 concurrent customers",
  needs: () => [["POST", "/v1/orders"]],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const tokens = await ctx.customerTokens(32);
    const [product] = await ctx.scenarioProducts(1, "hot-sku");
    await receiveStock(ctx.api, admin, product.id, 1_000_000);
    const before = await stockLevel(ctx.api, admin, product.id);
    const body = JSON.stringify({ lines: [{ product_id: product.id, qty: 1 }] });
    const run = ctx.runTag();
    const load = await ctx.load({
      label: "hot-sku",
      connections: 256,
      amount: ctx.quick ? 500 : 5_000,
      request: (i) => ({
        method: "POST",
        path: "/v1/orders",
        headers: {
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${i}`,
        },
        body,
      }),
    });
    const after = await stockLevel(ctx.api, admin, product.id);
    const created = load.statuses[201] ?? 0;
    const gone = before.available - after.available;
    return [
      {
        name: "hot-sku",
        load,
        rate: { value: created / load.duration_s, unit: "reservations/s" },
        target: { kind: "rate", min: 1_000 },
        checks: [
          ctx.checkStatuses(load, [201]),
          {
            name: "units gone = orders created",
            ok: gone === created,
            detail: `available ${before.available} → ${after.available} (${gone} gone), ${created} orders`,
          },
          {
            name: "units held = orders created",
            ok: after.reserved - before.reserved === created,
            detail: `reserved ${before.reserved} → ${after.reserved}`,
          },
        ],
      },
    ];
  },
};
