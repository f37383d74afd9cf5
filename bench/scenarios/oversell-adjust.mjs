// The oversell gate on routes that exist today: 2,000 adjustments of -1 race for 500
// units on hand; exactly 500 may apply (on_hand never goes below zero).
import { oversellRace, QUICK_STOCK } from "./oversell.mjs";

export default {
  name: "oversell-adjust",
  title:
    "2,000 adjustments of -1 against on_hand 500 (quick: 400 vs 100), 128 concurrent: exactly the stock applies (gate)",
  needs: () => [["POST", "/v1/inventory/prd_probe/adjustments"]],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const run = ctx.runTag();
    const body = JSON.stringify({ delta: -1, reason: "damaged", reference: "bench oversell-adjust" });
    const race = await oversellRace(ctx, {
      label: "oversell-adjust",
      stock: ctx.quick ? QUICK_STOCK : 500,
      attempts: ctx.quick ? QUICK_STOCK * 4 : 2_000,
      connections: 128,
      request: (product, i) => ({
        method: "POST",
        path: `/v1/inventory/${product.id}/adjustments`,
        headers: {
          authorization: `Bearer ${admin}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${i}`,
        },
        body,
      }),
    });
    const { level } = race;
    return [
      {
        name: "oversell-adjust",
        load: race.load,
        target: { kind: "gate" },
        checks: [
          ...race.checks,
          {
            name: "nothing left, nothing below zero",
            ok: level.on_hand === 0 && level.reserved === 0,
            detail: `on_hand ${level.on_hand} reserved ${level.reserved}`,
          },
        ],
      },
    ];
  },
};
