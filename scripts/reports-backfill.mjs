// Rebuilds the report rollups (daily sales, products, order statuses, fulfilment,
// customers) from the source tables (orders, order lines, refunds):
//   npm run reports:backfill            (the local dev database)
//   npm run reports:backfill -- --remote
// Run it after changing the store's time zone, or to check the rollups; run it while
// no orders are being written, since it replaces the rollup tables whole.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { dayIn } from "../src/lib/days.ts";
import { recomputeRollups } from "../src/modules/reports/recompute.ts";
import { d1Query, wrangler } from "./lib/wrangler.mjs";

const { values } = parseArgs({ options: { remote: { type: "boolean", default: false } } });
const target = values.remote ? "--remote" : "--local";
const PAGE = 5000;

/** Every row of a query, paged by its (unique, ordered) key column. */
function readAll(select, keyColumn) {
  const rows = [];
  let after = "";
  for (;;) {
    const page = d1Query(
      `${select} WHERE ${keyColumn} > '${after.replaceAll("'", "''")}' ORDER BY ${keyColumn} LIMIT ${PAGE}`,
      target,
    );
    rows.push(...page);
    if (page.length < PAGE) return rows;
    after = String(page.at(-1).k);
  }
}

const [settingsRow] = d1Query("SELECT data FROM settings WHERE id = 1", target);
const timeZone = (settingsRow ? JSON.parse(settingsRow.data).time_zone : undefined) ?? "UTC";
console.log(`Reading source rows (${target.slice(2)}, time zone ${timeZone}) …`);
const source = {
  orders: readAll(
    "SELECT id AS k, id, customer_id, status, currency, total, created_at, paid_at, completed_at, cancelled_at FROM orders",
    "id",
  ),
  lines: readAll(
    "SELECT order_id || '|' || product_id AS k, order_id, product_id, qty, line_total FROM order_lines",
    "order_id || '|' || product_id",
  ),
  refunds: readAll("SELECT id AS k, id, order_id, currency, amount, created_at FROM refunds", "id"),
  refundLines: readAll(
    "SELECT refund_id || '|' || product_id AS k, refund_id, product_id, qty, amount FROM refund_lines",
    "refund_id || '|' || product_id",
  ),
};
const rollups = recomputeRollups(source, (iso) => dayIn(timeZone, iso));
const tables = {
  daily_sales: rollups.sales,
  daily_product_sales: rollups.products,
  order_status_totals: rollups.statusTotals,
  daily_order_status: rollups.orderStatus,
  daily_fulfilment: rollups.fulfilment,
  daily_customer_sales: rollups.customers,
  customer_first_paid: rollups.firstPaid,
};

const quote = (v) => (typeof v === "number" ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
function inserts(table, rows) {
  const out = [];
  for (let i = 0; i < rows.length; i += 200) {
    const part = rows.slice(i, i + 200);
    const columns = Object.keys(part[0]);
    const tuples = part.map((r) => `(${columns.map((c) => quote(r[c])).join(", ")})`);
    out.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(",\n")};`);
  }
  return out;
}
const sql = Object.entries(tables)
  .flatMap(([table, rows]) => [`DELETE FROM ${table};`, ...inserts(table, rows)])
  .join("\n");
mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/reports-backfill.sql", sql);
wrangler(["d1", "execute", "DB", target, "--file", ".wrangler/reports-backfill.sql"]);
console.log(
  `Rollups rebuilt from ${source.orders.length} orders and ${source.refunds.length} refunds: ` +
    Object.entries(tables)
      .map(([table, rows]) => `${rows.length} ${table}`)
      .join(", ") +
    ".",
);
