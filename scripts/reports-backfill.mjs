// Rebuilds the report rollups from the source tables: sales (also per product and per
// location), order statuses, fulfilment and customers (orders, order lines, refunds), stock
// movements (the D1 ledger) and dispatches (dispatches, their lines, samples and returns):
//   npm run reports:backfill            (the local dev database)
//   npm run reports:backfill -- --remote
// Run it after changing the store's time zone, or to check the rollups; run it while
// no orders, stock or dispatches are being written, since it replaces the rollup tables whole.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { dayIn } from "../src/lib/days.ts";
import { refundedAt, soldAt } from "../src/modules/reports/location-split.ts";
import {
  recomputeDispatchRollups,
  recomputeLocationSales,
  recomputeMovementRollups,
  recomputeRollups,
} from "../src/modules/reports/recompute.ts";
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
    "SELECT order_id || '|' || product_id AS k, order_id, product_id, qty, line_total, allocations FROM order_lines",
    "order_id || '|' || product_id",
  ).map((l) => ({ ...l, allocations: JSON.parse(l.allocations) })),
  refunds: readAll("SELECT id AS k, id, order_id, currency, amount, created_at FROM refunds", "id"),
  refundLines: readAll(
    "SELECT refund_id || '|' || product_id AS k, refund_id, product_id, qty, amount FROM refund_lines",
    "refund_id || '|' || product_id",
  ),
};
const dayOf = (iso) => dayIn(timeZone, iso);
const rollups = recomputeRollups(source, dayOf);
const ledger = readAll(
  "SELECT id AS k, product_id, location_id, reason, delta_on_hand, created_at FROM stock_movements",
  "id",
);
const dispatchSource = {
  dispatches: readAll("SELECT id AS k, id, company_id, project_id, status, dispatched_at FROM dispatches", "id"),
  lines: readAll(
    "SELECT dispatch_id || '|' || position AS k, dispatch_id, qty FROM dispatch_lines",
    "dispatch_id || '|' || position",
  ),
  samples: readAll(
    "SELECT dispatch_id || '|' || sample_id AS k, dispatch_id FROM dispatch_samples",
    "dispatch_id || '|' || sample_id",
  ),
  returns: readAll("SELECT id AS k, dispatch_id, created_at, stock, samples FROM dispatch_returns", "id").map((r) => ({
    ...r,
    stock: JSON.parse(r.stock),
    samples: JSON.parse(r.samples),
  })),
};
const tables = {
  daily_sales: rollups.sales,
  daily_product_sales: rollups.products,
  daily_location_sales: recomputeLocationSales(source, dayOf, { soldAt, refundedAt }),
  order_status_totals: rollups.statusTotals,
  daily_order_status: rollups.orderStatus,
  daily_fulfilment: rollups.fulfilment,
  daily_customer_sales: rollups.customers,
  customer_first_paid: rollups.firstPaid,
  daily_stock_movements: recomputeMovementRollups(ledger, dayOf),
  daily_dispatches: recomputeDispatchRollups(dispatchSource, dayOf),
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
const sql = [
  ...Object.entries(tables).flatMap(([table, rows]) => [`DELETE FROM ${table};`, ...inserts(table, rows)]),
  // The per-location movement sums are the product rows summed over products.
  "DELETE FROM daily_location_movements;",
  `INSERT INTO daily_location_movements (day, location_id, reason, movements, units_in, units_out)
    SELECT day, location_id, reason, sum(movements), sum(units_in), sum(units_out)
    FROM daily_stock_movements GROUP BY 1, 2, 3;`,
].join("\n");
mkdirSync(".wrangler", { recursive: true });
writeFileSync(".wrangler/reports-backfill.sql", sql);
wrangler(["d1", "execute", "DB", target, "--file", ".wrangler/reports-backfill.sql"]);
console.log(
  `Rollups rebuilt from ${source.orders.length} orders, ${source.refunds.length} refunds, ` +
    `${ledger.length} movements and ${dispatchSource.dispatches.length} dispatches: ` +
    Object.entries(tables)
      .map(([table, rows]) => `${rows.length} ${table}`)
      .join(", ") +
    ".",
);
