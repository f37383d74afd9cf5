// The correctness gate: 2,000 one-unit orders race for 500 units spread over three
// locations that fulfil orders. Exactly 500 may win, no location may go below zero,
// and afterwards the object, its ledger and the D1 projection must agree.
import { fulfillingLocations, receiveStock, spreadStock, stockAgreementChecks } from "../lib/stock.mjs";

/** --quick races 400 attempts for 100 units (same 4:1 odds, shorter). */
export const QUICK_STOCK = 100;

export async function oversellRace(ctx, { label, stock, attempts, connections, request, locations = 1 }) {
  const admin = await ctx.adminToken();
  const [product] = await ctx.scenarioProducts(1, label);
  if (locations > 1) {
    await spreadStock(ctx.api, admin, product.id, stock, await fulfillingLocations(ctx.api, admin, locations - 1));
  } else {
    await receiveStock(ctx.api, admin, product.id, stock);
  }
  const load = await ctx.load({ label, connections, amount: attempts, request: (i) => request(product, i) });
  const won = load.statuses[201] ?? 0;
  const refused = load.statuses[409] ?? 0;
  const agreement = await stockAgreementChecks(ctx.api, ctx.db, admin, product.id);
  return {
    product,
    stock,
    load,
    won,
    checks: [
      {
        name: `exactly ${stock} succeed`,
        ok: won === stock && refused === attempts - stock,
        detail: `${won} × 201, ${refused} × 409 of ${attempts}`,
      },
      ctx.checkStatuses(load, [201, 409]),
      ...agreement.checks,
    ],
    level: agreement.level,
  };
}

export default {
  name: "oversell",
  title:
    "2,000 one-unit orders against stock 500 over 3 locations (quick: 400 vs 100), 128 concurrent: exactly the stock succeeds (gate)",
  needs: () => [["POST", "/v1/orders"]],
  async run(ctx) {
    const tokens = await ctx.customerTokens(32);
    const run = ctx.runTag();
    const race = await oversellRace(ctx, {
      label: "oversell",
      stock: ctx.quick ? QUICK_STOCK : 500,
      attempts: ctx.quick ? QUICK_STOCK * 4 : 2_000,
      connections: 128,
      locations: 3,
      request: (product, i) => ({
        method: "POST",
        path: "/v1/orders",
        headers: {
          authorization: `Bearer ${tokens[i % tokens.length]}`,
          "content-type": "application/json",
          "idempotency-key": `${run}-${i}`,
        },
        body: JSON.stringify({ lines: [{ product_id: product.id, qty: 1 }] }),
      }),
    });
    const { level } = race;
    return [
      {
        name: "oversell",
        load: race.load,
        target: { kind: "gate" },
        checks: [
          ...race.checks,
          {
            name: "every unit held, none available",
            ok: level.on_hand === race.stock && level.reserved === race.stock && level.available === 0,
            detail: `on_hand ${level.on_hand} reserved ${level.reserved} available ${level.available}`,
          },
          {
            name: "no location below zero",
            ok:
              level.locations.length === 3 &&
              level.locations.every((l) => l.reserved === l.on_hand && l.available === 0),
            detail: level.locations.map((l) => `${l.on_hand}/${l.reserved}`).join(", "),
          },
        ],
      },
    ];
  },
};
