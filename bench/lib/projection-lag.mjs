// How far the D1 projection trails a product's stock object: every projected movement
// records when it happened (created_at) and when it reached D1 (projected_at).
function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Waits until D1 shows the object's version, then returns the lag percentiles of its movements. */
export async function projectionLag(db, productId, version, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const level = await db.prepare("SELECT version FROM stock_levels WHERE product_id = ?").bind(productId).first();
    if (level && level.version >= version) break;
    if (Date.now() > deadline) return { ok: false, detail: `D1 still behind version ${version} after ${timeoutMs} ms` };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { results } = await db
    .prepare(
      "SELECT (julianday(projected_at) - julianday(created_at)) * 86400000.0 AS lag FROM stock_movements WHERE product_id = ?",
    )
    .bind(productId)
    .all();
  const lags = results.map((r) => r.lag).sort((a, b) => a - b);
  const fmt = (ms) => `${Math.round(ms)} ms`;
  return {
    ok: true,
    detail: `${lags.length} movements: p50 ${fmt(percentile(lags, 50))}, p95 ${fmt(percentile(lags, 95))}, p99 ${fmt(percentile(lags, 99))}, max ${fmt(lags.at(-1) ?? 0)}`,
  };
}
