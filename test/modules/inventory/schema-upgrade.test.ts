import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { DEFAULT_LOCATION_ID, events, stockLocationLevels, stockMovements } from "../../../src/db/schema";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { SCHEMA_VERSION, V1_SCHEMA } from "../../../src/durable/inventory/schema-versions";
import { newId } from "../../../src/lib/ids";
import { insertProduct } from "../../support/products";

type Stub = DurableObjectStub<InventoryDO>;

/**
 * Rebuilds the object's storage as a v1 object had it (one level row, the ledger, open
 * holds, an outbox), with no record of its version, as objects created before locations do.
 */
async function makeV1Object(productId: string, hold: { id: string; orderId: string; expiresAt: number }) {
  const stub: Stub = env.INVENTORY.get(env.INVENTORY.idFromName(productId));
  await runInDurableObject(stub, (_: InventoryDO, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .toArray();
    for (const { name } of tables) sql.exec(`DROP TABLE ${name}`);
    for (const statement of V1_SCHEMA) sql.exec(statement);
    const t = "2026-01-01T00:00:00.000Z";
    sql.exec(
      "INSERT INTO level (id, product_id, on_hand, reserved, version, low_stock_threshold, is_low, updated_at) VALUES (1, ?, 10, 3, 3, NULL, 0, ?)",
      productId,
      t,
    );
    const movements: [string, string, number, number, number, number, string | null][] = [
      ["mov_v1a", "received", 12, 0, 12, 0, null],
      ["mov_v1b", "damaged", -2, 0, 10, 0, null],
      ["mov_v1c", "reserved", 0, 3, 10, 3, hold.id],
    ];
    movements.forEach(([id, reason, dOn, dRes, onHand, reserved, rsv], i) => {
      sql.exec(
        `INSERT INTO movements (id, reason, delta_on_hand, delta_reserved, on_hand, reserved, version, reservation_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id,
        reason,
        dOn,
        dRes,
        onHand,
        reserved,
        i + 1,
        rsv,
        t,
      );
    });
    sql.exec(
      "INSERT INTO reservations (id, order_id, qty, state, expires_at, created_at, updated_at) VALUES (?, ?, 3, 'held', ?, ?, ?)",
      hold.id,
      hold.orderId,
      hold.expiresAt,
      t,
      t,
    );
    // A tombstone two days old: a release of a hold that was never made.
    sql.exec(
      "INSERT INTO reservations (id, order_id, qty, state, expires_at, created_at, updated_at) VALUES (?, NULL, 0, 'released', ?, ?, ?)",
      `rsv_v1tomb${productId.slice(-12)}`,
      Date.now() - 48 * 60 * 60 * 1000,
      t,
      t,
    );
    // Only the first movement reached D1; the rest and one event are still owed to it.
    sql.exec("INSERT INTO meta (key, value) VALUES ('projected_seq', '1')");
    sql.exec(
      "INSERT INTO pending_events (id, type, data, created_at) VALUES (?, 'stock.changed', ?, ?)",
      `evt_v1_${productId.slice(-12)}`,
      JSON.stringify({ product_id: productId, version: 3, on_hand: 10, reserved: 3, available: 7, reason: "reserved" }),
      t,
    );
  });
  // The next call starts a fresh instance, which finds the v1 layout.
  await evictDurableObject(stub);
  return stub;
}

describe("stock object storage versions", () => {
  it("a new object starts at the current version", async () => {
    const productId = newId("prd");
    const stub: Stub = env.INVENTORY.get(env.INVENTORY.idFromName(productId));
    await stub.snapshot();
    const version = await runInDurableObject(
      stub,
      (_: InventoryDO, state) =>
        state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").one().value,
    );
    expect(Number(version)).toBe(SCHEMA_VERSION);
  });

  it("upgrades a v1 object on first touch: level, ledger, open hold and outbox all at the default location", async () => {
    const product = await insertProduct();
    const hold = { id: newId("rsv"), orderId: newId("ord"), expiresAt: Date.now() + 600_000 };
    const stub = await makeV1Object(product.id, hold);

    const level = await stub.snapshot();
    expect(level).toMatchObject({ on_hand: 10, reserved: 3, available: 7, version: 3 });
    expect(level.locations).toEqual([
      expect.objectContaining({ location_id: DEFAULT_LOCATION_ID, on_hand: 10, reserved: 3, available: 7, version: 3 }),
    ]);
    const ledger = (await stub.ledger({ limit: 10 })).reverse();
    expect(ledger.map((m) => [m.id, m.operation_id, m.location_id, m.on_hand, m.version])).toEqual([
      ["mov_v1a", "mov_v1a", DEFAULT_LOCATION_ID, 12, 1],
      ["mov_v1b", "mov_v1b", DEFAULT_LOCATION_ID, 10, 2],
      ["mov_v1c", "mov_v1c", DEFAULT_LOCATION_ID, 10, 3],
    ]);
    expect(await stub.reservation(hold.id)).toMatchObject({
      state: "held",
      qty: 3,
      order_id: hold.orderId,
      allocations: [{ location_id: DEFAULT_LOCATION_ID, qty: 3 }],
    });

    // The old hold still sells, and a stock-take against the carried-over version still matches.
    expect(await stub.commit({ reservation_id: hold.id })).toMatchObject({ ok: true });
    const count = await stub.setCount({
      movement_id: newId("mov"),
      on_hand: 6,
      expected_version: 4,
    });
    expect(count).toMatchObject({ ok: true, movement: { location_id: DEFAULT_LOCATION_ID, on_hand: 6, version: 5 } });

    // The projection resumes at its cursor: the unprojected v1 movements and the v1 event reach D1.
    await runInDurableObject(stub, (instance: InventoryDO) => instance.flush());
    const db = createDb(env.DB);
    const projected = await db.select().from(stockMovements).where(eq(stockMovements.productId, product.id));
    const owed = (await stub.ledger({ limit: 100 })).filter((m) => m.id !== "mov_v1a");
    expect(projected.map((m) => m.id).sort()).toEqual(owed.map((m) => m.id).sort());
    expect(projected.every((m) => m.locationId === DEFAULT_LOCATION_ID)).toBe(true);
    const [event] = await db
      .select()
      .from(events)
      .where(eq(events.id, `evt_v1_${product.id.slice(-12)}`));
    expect(event).toBeDefined();
    const [row] = await db.select().from(stockLocationLevels).where(eq(stockLocationLevels.productId, product.id));
    expect(row).toMatchObject({ locationId: DEFAULT_LOCATION_ID, onHand: 6, reserved: 0, version: 5 });

    // Evicted again, it does not upgrade twice.
    await evictDurableObject(stub);
    expect(await stub.snapshot()).toMatchObject({ on_hand: 6, version: 5 });
    expect(await stub.ledger({ limit: 100 })).toHaveLength(5);
  });

  it("v3 indexes tombstones, and the first release after the upgrade prunes the old ones", async () => {
    const product = await insertProduct();
    const hold = { id: newId("rsv"), orderId: newId("ord"), expiresAt: Date.now() + 600_000 };
    const stub = await makeV1Object(product.id, hold);
    const tombstone = `rsv_v1tomb${product.id.slice(-12)}`;
    expect(await stub.reservation(tombstone)).toMatchObject({ state: "released", qty: 0 });

    const plan = await runInDurableObject(stub, (_: InventoryDO, state) =>
      state.storage.sql
        .exec<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT id FROM reservations WHERE state = 'released' AND qty = 0 AND expires_at < 1",
        )
        .toArray()
        .map((r) => r.detail),
    );
    expect(plan.join(" ")).toContain("reservations_tombstones");

    await stub.release({ reservation_id: newId("rsv"), reason: "refused" });
    expect(await stub.reservation(tombstone)).toBeNull();
    expect(await stub.reservation(hold.id)).toMatchObject({ state: "held", qty: 3 });
  });
});
