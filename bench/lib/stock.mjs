// Stock set-up and the consistency checks shared by the stock scenarios: the object
// (GET /v1/inventory/{id}), its ledger (GET …/movements, every page) and the D1
// projection (stock_levels / stock_movements) must tell the same story.

/** Gives a product `qty` units on hand (at a location, or the default one) through the public adjustment route. */
export async function receiveStock(api, token, productId, qty, locationId) {
  const res = await api.expect(201, "POST", `/v1/inventory/${productId}/adjustments`, {
    token,
    idempotent: true,
    body: { delta: qty, reason: "received", reference: "bench", ...(locationId ? { location_id: locationId } : {}) },
  });
  return res.body.level;
}

/** The default location (`MAIN`, priority 0) plus `extra` new locations that fulfil orders, in allocation order. */
export async function fulfillingLocations(api, token, extra) {
  const main = (await api.expect(200, "GET", "/v1/locations?fulfils_orders=true&limit=200", { token })).body.data.find(
    (l) => l.code === "MAIN",
  );
  const created = [];
  for (let i = 1; i <= extra; i++) {
    const code = `B-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const res = await api.expect(201, "POST", "/v1/locations", {
      token,
      body: { name: `Bench ${code}`, code, kind: "warehouse", fulfils_orders: true, priority: 1000 + i },
    });
    created.push(res.body.id);
  }
  return [main.id, ...created];
}

/** Spreads `qty` units of a product over the locations as evenly as whole units allow. */
export async function spreadStock(api, token, productId, qty, locationIds) {
  for (const [i, id] of locationIds.entries()) {
    const share = Math.floor(qty / locationIds.length) + (i < qty % locationIds.length ? 1 : 0);
    if (share > 0) await receiveStock(api, token, productId, share, id);
  }
}

export async function stockLevel(api, token, productId) {
  return (await api.expect(200, "GET", `/v1/inventory/${productId}`, { token })).body;
}

/** The whole ledger, oldest last, and its sums. */
export async function readLedger(api, token, productId) {
  const movements = [];
  let cursor = null;
  do {
    const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = (await api.expect(200, "GET", `/v1/inventory/${productId}/movements?${query}`, { token })).body;
    movements.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return {
    movements,
    onHand: movements.reduce((n, m) => n + m.delta_on_hand, 0),
    reserved: movements.reduce((n, m) => n + m.delta_reserved, 0),
  };
}

async function readProjection(db, productId) {
  const level = await db.prepare("SELECT * FROM stock_levels WHERE product_id = ?").bind(productId).first();
  const moves = await db
    .prepare("SELECT count(*) AS n FROM stock_movements WHERE product_id = ?")
    .bind(productId)
    .first();
  return { level, movements: moves?.n ?? 0 };
}

/**
 * Object, ledger and projection agree. The projection is written after the fact (the
 * object flushes its outbox to D1), so it gets `waitMs` to catch up to the object's version.
 */
export async function stockAgreementChecks(api, db, token, productId, { waitMs = 15_000 } = {}) {
  const level = await stockLevel(api, token, productId);
  const ledger = await readLedger(api, token, productId);
  const deadline = Date.now() + waitMs;
  let projection = await readProjection(db, productId);
  while ((projection.level?.version ?? -1) < level.version && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    projection = await readProjection(db, productId);
  }
  const p = projection.level;
  return {
    level,
    ledgerCount: ledger.movements.length,
    checks: [
      {
        name: "ledger sums to the object's level",
        ok: ledger.onHand === level.on_hand && ledger.reserved === level.reserved,
        detail: `ledger on_hand ${ledger.onHand} reserved ${ledger.reserved}; object on_hand ${level.on_hand} reserved ${level.reserved}`,
      },
      {
        name: "one ledger row per version",
        ok: ledger.movements.length === level.version,
        detail: `${ledger.movements.length} movements, version ${level.version}`,
      },
      {
        name: "projection level equals the object",
        ok: p != null && p.on_hand === level.on_hand && p.reserved === level.reserved && p.version === level.version,
        detail: p
          ? `projection on_hand ${p.on_hand} reserved ${p.reserved} v${p.version}`
          : `no stock_levels row after ${waitMs} ms`,
      },
      {
        name: "projection has every movement",
        ok: projection.movements === ledger.movements.length,
        detail: `${projection.movements} rows in stock_movements, ${ledger.movements.length} in the ledger`,
      },
    ],
  };
}
