// Reports need a big order history: orders are topped up to REPORT_ORDERS inside D1 by
// one INSERT … SELECT over a recursive counter (one paid line each, spread over the past
// year), then the daily rollups are rebuilt from every order in SQL. The bench store runs
// in UTC, so a day is the first ten characters of an ISO time.
export const REPORT_ORDERS = 100_000;

const SEED_ORDERS = `
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
  INSERT INTO orders (id, status, source, currency, subtotal, tax_rate_bps, tax, total, capture_mode, metadata,
    expires_at, paid_at, completed_at, created_at, updated_at)
  SELECT printf('ord_report%09d', i), 'completed', 'checkout', 'USD', 500 + (i * 7919) % 20000, 0, 0,
    500 + (i * 7919) % 20000, 'automatic', '{}', t, t, t, t, t
  FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d seconds', (i * 104729) % 31536000)) AS t FROM n)`;

const SEED_LINES = `
  WITH p AS (SELECT id, sku, name, row_number() OVER (ORDER BY seq) - 1 AS k FROM products),
       c AS (SELECT count(*) AS n FROM products)
  INSERT INTO order_lines (order_id, product_id, position, sku, name, unit_price, qty, line_total)
  SELECT o.id, p.id, 0, p.sku, p.name, o.subtotal, 1, o.subtotal
  FROM orders o, c JOIN p ON p.k = CAST(substr(o.id, 11) AS INTEGER) % c.n
  WHERE o.id LIKE 'ord_report%'`;

const REBUILD = [
  "DELETE FROM daily_sales",
  "DELETE FROM daily_product_sales",
  `INSERT INTO daily_sales (day, currency, orders_created, orders_paid, orders_cancelled, gross_sales, refunds, units_sold, units_refunded)
   SELECT day, currency, sum(created), sum(paid), sum(cancelled), sum(gross), sum(refunded), sum(units), 0 FROM (
     SELECT substr(created_at, 1, 10) AS day, currency, 1 AS created, 0 AS paid, 0 AS cancelled, 0 AS gross, 0 AS refunded, 0 AS units FROM orders
     UNION ALL
     SELECT substr(o.paid_at, 1, 10), o.currency, 0, 1, 0, o.total, 0, (SELECT sum(qty) FROM order_lines l WHERE l.order_id = o.id)
       FROM orders o WHERE o.paid_at IS NOT NULL
     UNION ALL
     SELECT substr(cancelled_at, 1, 10), currency, 0, 0, 1, 0, 0, 0 FROM orders WHERE cancelled_at IS NOT NULL
     UNION ALL
     SELECT substr(created_at, 1, 10), currency, 0, 0, 0, 0, amount, 0 FROM refunds
   ) GROUP BY day, currency`,
  `INSERT INTO daily_product_sales (day, product_id, currency, units_sold, revenue, units_refunded, refund_amount)
   SELECT substr(o.paid_at, 1, 10), l.product_id, o.currency, sum(l.qty), sum(l.line_total), 0, 0
   FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.paid_at IS NOT NULL GROUP BY 1, 2, 3`,
];

let seeded = null;

/** Once per run: at least REPORT_ORDERS orders, and rollups that match them. */
export function ensureReportOrders(ctx) {
  seeded ??= (async () => {
    const started = performance.now();
    const { n } = await ctx.db.prepare("SELECT count(*) AS n FROM orders").first();
    const missing = Math.max(0, REPORT_ORDERS - n);
    if (missing > 0) {
      await ctx.db.prepare(SEED_ORDERS).bind(missing).run();
      await ctx.db.prepare(SEED_LINES).run();
    }
    for (const statement of REBUILD) await ctx.db.prepare(statement).run();
    const { total } = await ctx.db.prepare("SELECT count(*) AS total FROM orders").first();
    const ms = performance.now() - started;
    ctx.progress(`reports: ${total} orders (${missing} added by SQL) and their rollups in ${(ms / 1000).toFixed(1)} s`);
    return { orders: total, added: missing, seed_ms: ms };
  })();
  return seeded;
}
