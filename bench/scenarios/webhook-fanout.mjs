// Events to webhooks, end to end: stock changes on N products write N stock.changed
// events; the EVENTS consumer fans each out to 10 endpoints on a local receiver; the
// WEBHOOKS consumer signs and POSTs them. Measured from the first API call to the
// last delivery in, and checked: none lost, every signature valid.
import { summarizeLatencies } from "../lib/load.mjs";
import { startReceiver } from "../lib/receiver.mjs";

const ENDPOINTS = 10;
const LABEL = "fanout";
const SWEPT_AFTER_MS = 30_000;

async function countEvents(db) {
  const row = await db
    .prepare(
      "SELECT count(*) AS n FROM events WHERE type = 'stock.changed' AND resource_id IN (SELECT id FROM products WHERE sku LIKE ?)",
    )
    .bind(`${LABEL.toUpperCase()}-%`)
    .first();
  return row?.n ?? 0;
}

export default {
  name: "webhook-fanout",
  title: "10 endpoints on a local receiver, stock.changed events from adjustments, end to end",
  needs: () => [["POST", "/v1/webhooks"]],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const events = ctx.quick ? 100 : 1_000;
    const receiver = await startReceiver();
    const endpointIds = [];
    try {
      for (let i = 0; i < ENDPOINTS; i++) {
        const path = `/hooks/${i}`;
        const res = await ctx.api.expect(201, "POST", "/v1/webhooks", {
          token: admin,
          body: { url: receiver.url(path), event_types: ["stock.changed"], description: `bench receiver ${i}` },
        });
        receiver.registerSecret(path, res.body.secret);
        endpointIds.push(res.body.id);
      }
      const products = await ctx.scenarioProducts(events, LABEL);
      const ours = new Set(products.map((p) => p.id));
      const started = Date.now();
      const chunks = [];
      for (let i = 0; i < products.length; i += 500) chunks.push(products.slice(i, i + 500));
      await Promise.all(
        chunks.map((chunk) =>
          ctx.api.expect(200, "POST", "/v1/inventory/adjustments:batch", {
            token: admin,
            idempotent: true,
            body: { lines: chunk.map((p) => ({ product_id: p.id, delta: 5, reason: "received" })) },
          }),
        ),
      );

      const mine = () => receiver.deliveries.filter((d) => ours.has(d.event?.data?.product_id));
      // Long enough for the every-minute outbox sweep to send what the fast path left.
      const deadline = started + (ctx.quick ? 60_000 : 150_000);
      let written = 0;
      let lastProgress = 0;
      for (;;) {
        written = await countEvents(ctx.db);
        const unique = new Set(mine().map((d) => `${d.endpoint} ${d.id}`)).size;
        if (written >= events && unique >= written * ENDPOINTS) break;
        if (Date.now() > deadline) break;
        if (Date.now() - lastProgress > 2_000) {
          lastProgress = Date.now();
          ctx.progress(`webhook-fanout: ${written} events written, ${unique} of ${written * ENDPOINTS} deliveries in`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const received = mine();
      const keys = received.map((d) => `${d.endpoint} ${d.id}`);
      const unique = new Set(keys).size;
      const expected = written * ENDPOINTS;
      const last = Math.max(started, ...received.map((d) => d.receivedAt));
      const durationS = (last - started) / 1000;
      const badSignatures = received.filter((d) => !d.signatureOk).length;
      const { results: rows } = await ctx.db
        .prepare(
          `SELECT status, count(*) AS n FROM webhook_deliveries WHERE endpoint_id IN (${endpointIds.map(() => "?").join(", ")}) GROUP BY status`,
        )
        .bind(...endpointIds)
        .all();
      const rate = durationS > 0 ? unique / durationS : 0;
      const latencies = received.map((d) => d.receivedAt - Date.parse(d.event.created_at));
      const late = latencies.filter((ms) => ms > SWEPT_AFTER_MS).length;
      return [
        {
          name: "webhook-fanout",
          load: {
            connections: null,
            requests: unique,
            duration_s: durationS,
            rps: rate,
            latency_ms: summarizeLatencies(latencies),
            statuses: {},
          },
          rate: { value: rate, unit: "deliveries/s" },
          target: { kind: "rate", min: 1_000 },
          checks: [
            {
              name: "every event written",
              ok: written === events,
              detail: `${written} stock.changed events for ${events} products`,
            },
            {
              name: "0 lost",
              ok: unique === expected,
              detail: `${unique} of ${expected} deliveries received (${keys.length - unique} duplicates)`,
            },
            { name: "all signatures valid", ok: badSignatures === 0, detail: `${badSignatures} invalid` },
          ],
          notes: [
            "latency = event created_at → received",
            `${late} deliveries took over ${SWEPT_AFTER_MS / 1000} s (events the publish-after-commit path left for the every-minute outbox sweep)`,
            `delivery rows: ${rows.map((r) => `${r.status} ${r.n}`).join(", ") || "none"}`,
          ],
        },
      ];
    } finally {
      for (const id of endpointIds) await ctx.api.call("DELETE", `/v1/webhooks/${id}`, { token: admin });
      await receiver.close();
    }
  },
};
