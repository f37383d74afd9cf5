// Transfers between two locations: drafts are made first, then shipped (every line's
// stock object moves on_hand at the origin to incoming at the destination) and then
// received, each step under load. Afterwards every unit must be accounted for.
import { fulfillingLocations, receiveStock, stockLevel } from "../lib/stock.mjs";

const LINES = 3;

export default {
  name: "transfer",
  title: "POST /v1/transfers/{id}/ship then /receive, 3 lines each, 16 concurrent; units conserved",
  needs: () => [
    ["POST", "/v1/transfers"],
    ["POST", "/v1/locations"],
  ],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const [from, to] = await fulfillingLocations(ctx.api, admin, 1);
    const products = await ctx.scenarioProducts(LINES * 4, "transfer");
    const count = ctx.quick ? 60 : 300;
    for (const p of products) await receiveStock(ctx.api, admin, p.id, count * LINES, from);
    const drafts = [];
    for (let i = 0; i < count; i++) {
      const lines = ctx.sampleDistinct(products, LINES).map((p) => ({ product_id: p.id, qty: 1 }));
      const res = await ctx.api.expect(201, "POST", "/v1/transfers", {
        token: admin,
        idempotent: true,
        body: { from_location_id: from, to_location_id: to, lines },
      });
      drafts.push(res.body);
    }
    const run = ctx.runTag();
    const step = (action, body) => (i) => ({
      method: "POST",
      path: `/v1/transfers/${drafts[i].id}/${action}`,
      headers: {
        authorization: `Bearer ${admin}`,
        "content-type": "application/json",
        "idempotency-key": `${run}-${action}-${i}`,
      },
      ...(body ? { body: JSON.stringify(body(drafts[i])) } : {}),
    });
    const shipped = await ctx.load({ label: "transfer-ship", connections: 16, amount: count, request: step("ship") });
    const received = await ctx.load({
      label: "transfer-receive",
      connections: 16,
      amount: count,
      request: step("receive", (d) => ({ lines: d.lines.map((l) => ({ product_id: l.product_id, received: 1 })) })),
    });
    const levels = await Promise.all(products.map((p) => stockLevel(ctx.api, admin, p.id)));
    const atDestination = levels.reduce((n, l) => n + (l.locations.find((x) => x.location_id === to)?.on_hand ?? 0), 0);
    const owned = levels.reduce((n, l) => n + l.on_hand + l.incoming, 0);
    const conserved = {
      name: "units conserved",
      ok: owned === products.length * count * LINES && atDestination === count * LINES,
      detail: `${owned} owned, ${atDestination} arrived of ${count * LINES} shipped`,
    };
    return [
      {
        name: "transfer-ship",
        load: shipped,
        rate: { value: (shipped.statuses[200] ?? 0) / shipped.duration_s, unit: "transfers/s" },
        target: { kind: "rate", min: 100, p99Ms: 250 },
        checks: [ctx.checkStatuses(shipped, [200])],
      },
      {
        name: "transfer-receive",
        load: received,
        rate: { value: (received.statuses[200] ?? 0) / received.duration_s, unit: "transfers/s" },
        target: { kind: "rate", min: 100, p99Ms: 250 },
        checks: [ctx.checkStatuses(received, [200]), conserved],
      },
    ];
  },
};
