// An authenticated read: customers reading their own orders (GET /v1/orders/{id}),
// the "authenticated read" row of the round-trip targets.
import { customerEmail } from "../lib/seed/users.mjs";

const CUSTOMERS = 16;

export default {
  name: "order-read",
  title: "GET /v1/orders/{id}, customers reading their own historical orders, 32 concurrent",
  needs: () => [["GET", "/v1/orders"]],
  async run(ctx) {
    if (ctx.dataset.orders.skipped) return [{ name: "order-read", skipped: "no orders seeded" }];
    const tokens = await ctx.customerTokens(CUSTOMERS);
    const reads = [];
    for (let n = 1; n <= tokens.length; n++) {
      const { results } = await ctx.db
        .prepare("SELECT o.id FROM orders o JOIN users u ON u.id = o.customer_id WHERE u.email = ? LIMIT 20")
        .bind(customerEmail(n))
        .all();
      for (const row of results) reads.push({ token: tokens[n - 1], path: `/v1/orders/${row.id}` });
    }
    if (reads.length === 0) return [{ name: "order-read", skipped: "the seeded customers have no orders" }];
    const load = await ctx.load({
      label: "order-read",
      connections: ctx.settings.connections,
      request: (i) => {
        const read = reads[i % reads.length];
        return { path: read.path, headers: { authorization: `Bearer ${read.token}` } };
      },
    });
    return [
      {
        name: "order-read",
        load,
        target: { kind: "report" },
        checks: [ctx.checkStatuses(load, [200])],
        notes: [`${reads.length} orders of ${tokens.length} customers`],
        cpuReport: true,
      },
    ];
  },
};
