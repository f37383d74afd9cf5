// Reports on a year of ≥ 100,000 orders (seeded by SQL), read from the daily rollups:
// the dashboard, a year of daily sales, and an export of every order to CSV on R2.
import { ensureReportOrders } from "../lib/seed/report-orders.mjs";

const day = (ms) => new Date(ms).toISOString().slice(0, 10);

function reportScenario(name, title, path) {
  return {
    name,
    title,
    needs: () => [["GET", path(Date.now())]],
    async run(ctx) {
      const seeded = await ensureReportOrders(ctx);
      const token = await ctx.adminToken();
      const url = path(Date.now());
      const first = await ctx.api.expect(200, "GET", url, { token });
      const load = await ctx.load({
        label: name,
        connections: ctx.settings.connections,
        request: () => ({ path: url, headers: { authorization: `Bearer ${token}` } }),
      });
      return [
        {
          name,
          load,
          target: { kind: "report" },
          checks: [ctx.checkStatuses(load, [200])],
          notes: [`${seeded.orders} orders; ${JSON.stringify(first.body).length} bytes per answer`],
        },
      ];
    },
  };
}

const dashboard = reportScenario(
  "report-dashboard",
  "GET /v1/reports/dashboard over ≥ 100,000 orders (today, 7 and 30 days, statuses, stock)",
  () => "/v1/reports/dashboard",
);

const salesYear = reportScenario(
  "report-sales-year",
  "GET /v1/reports/sales for the last 365 days by day, over ≥ 100,000 orders",
  (now) => `/v1/reports/sales?from=${day(now - 364 * 86_400_000)}&to=${day(now)}&interval=day`,
);

const exportOrders = {
  name: "export-orders-100k",
  title: "POST /v1/exports of every order (≥ 100,000) to CSV on R2, until the file is complete",
  needs: () => [["GET", "/v1/exports"]],
  async run(ctx) {
    const seeded = await ensureReportOrders(ctx);
    const token = await ctx.adminToken();
    const started = performance.now();
    let job = (await ctx.api.expect(202, "POST", "/v1/exports", { token, idempotent: true, body: { type: "orders" } }))
      .body;
    while (job.status === "queued" || job.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = (await ctx.api.expect(200, "GET", `/v1/exports/${job.id}`, { token })).body;
    }
    const seconds = (performance.now() - started) / 1000;
    return [
      {
        name: "export-orders-100k",
        target: { kind: "report" },
        checks: [
          {
            name: "export completed",
            ok: job.status === "completed",
            detail: `status ${job.status} ${job.error ?? ""}`,
          },
          {
            name: "every order exported",
            ok: job.rows_done === seeded.orders,
            detail: `${job.rows_done} rows of ${seeded.orders} orders`,
          },
        ],
        notes: [
          `${job.rows_done} rows, ${job.bytes} bytes in ${seconds.toFixed(1)} s = ${Math.round(job.rows_done / seconds)} rows/s`,
        ],
        export: { rows: job.rows_done, bytes: job.bytes, seconds },
      },
    ];
  },
};

export default [dashboard, salesYear, exportOrders];
