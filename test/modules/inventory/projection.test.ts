import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, stockLevels, stockMovements } from "../../../src/db/schema";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { newId } from "../../../src/lib/ids";
import { db } from "../../support/db";

function stockObject() {
  const productId = newId("prd");
  return { productId, stub: env.INVENTORY.get(env.INVENTORY.idFromName(productId)) };
}

type Stub = ReturnType<typeof stockObject>["stub"];

const flushed = (stub: Stub) => runInDurableObject(stub, (instance: InventoryDO) => instance.flush());

async function projection(productId: string) {
  const [level] = await db.select().from(stockLevels).where(eq(stockLevels.productId, productId));
  const movements = await db.select().from(stockMovements).where(eq(stockMovements.productId, productId));
  const emitted = await db.select().from(events).where(eq(events.resourceId, productId));
  return { level, movements, emitted };
}

/** Swaps the object's D1 binding for one that fails every call, to simulate an outage. */
function breakD1(stub: Stub) {
  return runInDurableObject(stub, (instance: InventoryDO) => {
    const failing = new Proxy(env.DB, {
      get: (target, prop) =>
        prop === "batch" || prop === "prepare"
          ? () => {
              throw new Error("D1 is down (injected)");
            }
          : Reflect.get(target, prop),
    });
    Object.defineProperty(instance, "env", { value: { ...env, DB: failing }, configurable: true });
  });
}

const healD1 = (stub: Stub) =>
  runInDurableObject(stub, (instance: InventoryDO) => {
    Object.defineProperty(instance, "env", { value: env, configurable: true });
  });

describe("stock projection to D1", () => {
  it("mirrors the object: every movement once and the level at the latest version", async () => {
    const { productId, stub } = stockObject();
    await stub.adjust({ movement_id: newId("mov"), delta: 8, reason: "received" });
    const hold = newId("rsv");
    await stub.reserve({ reservation_id: hold, qty: 3, ttl_seconds: 600 });
    await stub.commit({ reservation_id: hold });
    await flushed(stub);

    const object = await stub.snapshot();
    const ledger = await stub.ledger({ limit: 100 });
    const { level, movements } = await projection(productId);
    expect(level).toMatchObject({
      onHand: object.on_hand,
      reserved: object.reserved,
      version: object.version,
      available: 5,
    });
    expect(movements.map((m) => m.id).sort()).toEqual(ledger.map((m) => m.id).sort());
  });

  it("survives a D1 outage: the failed flush is retried from the alarm and everything reconciles", async () => {
    const { productId, stub } = stockObject();
    await stub.adjust({ movement_id: newId("mov"), delta: 2, reason: "received" });
    await flushed(stub);
    await breakD1(stub);
    for (let i = 0; i < 5; i++) {
      await stub.adjust({ movement_id: newId("mov"), delta: 1, reason: "found" });
    }
    await flushed(stub);
    const during = await projection(productId);
    expect(during.level?.version).toBe(1);
    expect(during.movements).toHaveLength(1);
    const alarm = await runInDurableObject(stub, (_: InventoryDO, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();

    await healD1(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await projection(productId);
    expect(after.level).toMatchObject({ onHand: 7, version: 6 });
    expect(after.movements).toHaveLength(6);
  });

  it("is idempotent: replaying a projected slice changes nothing", async () => {
    const { productId, stub } = stockObject();
    await stub.adjust({ movement_id: newId("mov"), delta: 4, reason: "received" });
    await flushed(stub);
    // Forget the cursor, as a crash between the D1 write and the cursor update would.
    await runInDurableObject(stub, (_: InventoryDO, state) => {
      state.storage.sql.exec("UPDATE meta SET value = '0' WHERE key = 'projected_seq'");
    });
    await stub.adjust({ movement_id: newId("mov"), delta: 1, reason: "found" });
    await flushed(stub);
    const { level, movements } = await projection(productId);
    expect(movements).toHaveLength(2);
    expect(level).toMatchObject({ onHand: 5, version: 2 });
  });

  it("emits stock.low once per downward crossing and coalesces stock.changed", async () => {
    const { productId, stub } = stockObject();
    await stub.setLowStockThreshold(3);
    await stub.adjust({ movement_id: newId("mov"), delta: 10, reason: "received" });
    await flushed(stub);
    for (const delta of [-4, -2, -1]) {
      await stub.adjust({ movement_id: newId("mov"), delta, reason: "damaged" });
    }
    await flushed(stub);
    await stub.adjust({ movement_id: newId("mov"), delta: 5, reason: "received" });
    await stub.adjust({ movement_id: newId("mov"), delta: -6, reason: "lost" });
    await flushed(stub);
    const { emitted, level } = await projection(productId);
    const low = emitted.filter((e) => e.type === "stock.low");
    expect(low.map((e) => e.data.available)).toEqual([3, 2]);
    const changed = emitted.filter((e) => e.type === "stock.changed");
    expect(changed.length).toBeGreaterThanOrEqual(3);
    expect(changed.length).toBeLessThanOrEqual(6);
    expect(changed.at(-1)?.data).toMatchObject({ available: 2, version: 6 });
    expect(level).toMatchObject({ isLow: true, lowStockThreshold: 3 });
  });

  it("puts the stock events it projects on the queue itself, without waiting for the sweep", async () => {
    const { productId, stub } = stockObject();
    await stub.adjust({ movement_id: newId("mov"), delta: 3, reason: "received" });
    await flushed(stub);
    let unsent = -1;
    for (let i = 0; i < 100 && unsent !== 0; i++) {
      const { emitted } = await projection(productId);
      unsent = emitted.length === 0 ? -1 : emitted.filter((e) => e.sentAt === null).length;
      if (unsent !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(unsent).toBe(0);
  });
});
