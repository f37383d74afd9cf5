import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { newId } from "../../../src/lib/ids";

function stockObject() {
  const productId = newId("prd");
  return { productId, stub: env.INVENTORY.get(env.INVENTORY.idFromName(productId)) };
}

async function receive(stub: ReturnType<typeof stockObject>["stub"], qty: number) {
  const result = await stub.adjust({
    movement_id: newId("mov"),
    delta: qty,
    reason: "received",
  });
  if (!result.ok) throw new Error(`receive failed: ${JSON.stringify(result)}`);
  return result;
}

describe("InventoryDO", () => {
  it("never oversells: 200 concurrent reservations of 1 against on_hand 50 give exactly 50 holds", async () => {
    const { stub } = stockObject();
    await receive(stub, 50);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => stub.reserve({ reservation_id: newId("rsv"), qty: 1, ttl_seconds: 900 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(150);
    expect(refused.every((r) => !r.ok && r.code === "INSUFFICIENT_STOCK")).toBe(true);
    expect(await stub.snapshot()).toMatchObject({ on_hand: 50, reserved: 50, available: 0 });
  });

  it("reserve is all or nothing and refuses more than is available without changing anything", async () => {
    const { stub } = stockObject();
    await receive(stub, 3);
    const before = await stub.snapshot();
    const refused = await stub.reserve({
      reservation_id: newId("rsv"),
      qty: 4,
      ttl_seconds: 60,
    });
    expect(refused).toMatchObject({ ok: false, code: "INSUFFICIENT_STOCK", requested: 4, available: 3 });
    expect(await stub.snapshot()).toEqual(before);
  });

  it("is idempotent by id: repeats return the first answer and append no movement", async () => {
    const { stub } = stockObject();
    const movementId = newId("mov");
    const first = await stub.adjust({ movement_id: movementId, delta: 10, reason: "received" });
    const again = await stub.adjust({ movement_id: movementId, delta: 10, reason: "received" });
    expect(first.ok && again.ok && again.replayed && again.movement.id === first.movement.id).toBe(true);

    const reservationId = newId("rsv");
    const hold = { reservation_id: reservationId, qty: 2, ttl_seconds: 60 };
    await stub.reserve(hold);
    expect(await stub.reserve(hold)).toMatchObject({ ok: true, replayed: true });
    await stub.commit({ reservation_id: reservationId });
    expect(await stub.commit({ reservation_id: reservationId })).toMatchObject({
      ok: true,
      replayed: true,
    });

    const restockId = newId("mov");
    await stub.restock({ movement_id: restockId, qty: 1 });
    await stub.restock({ movement_id: restockId, qty: 1 });
    const countId = newId("mov");
    await stub.setCount({ movement_id: countId, on_hand: 20 });
    await stub.setCount({ movement_id: countId, on_hand: 20 });

    const ledger = await stub.ledger({ limit: 100 });
    expect(ledger.map((m) => m.reason)).toEqual(["cycle_count", "restock", "sale", "reserved", "received"]);
    expect(await stub.snapshot()).toMatchObject({ on_hand: 20, reserved: 0, version: 5 });
  });

  it("records every change with its resulting on_hand, reserved and version", async () => {
    const { stub } = stockObject();
    await receive(stub, 5);
    const reservationId = newId("rsv");
    await stub.reserve({ reservation_id: reservationId, qty: 2, ttl_seconds: 60 });
    await stub.release({ reservation_id: reservationId, reason: "customer changed mind" });
    const ledger = (await stub.ledger({ limit: 10 })).reverse();
    expect(ledger.map((m) => [m.reason, m.delta_on_hand, m.delta_reserved, m.on_hand, m.reserved, m.version])).toEqual([
      ["received", 5, 0, 5, 0, 1],
      ["reserved", 0, 2, 5, 2, 2],
      ["released", 0, -2, 5, 0, 3],
    ]);
  });

  it("refuses adjustments below zero or below what is held, and stale stock-takes", async () => {
    const { stub } = stockObject();
    await receive(stub, 5);
    await stub.reserve({ reservation_id: newId("rsv"), qty: 3, ttl_seconds: 60 });
    expect(await stub.adjust({ movement_id: newId("mov"), delta: -3, reason: "damaged" })).toMatchObject({
      ok: false,
      code: "INSUFFICIENT_STOCK",
    });
    expect(await stub.setCount({ movement_id: newId("mov"), on_hand: 9, expected_version: 1 })).toMatchObject({
      ok: false,
      code: "VERSION_MISMATCH",
      version: 2,
    });
    expect(await stub.setCount({ movement_id: newId("mov"), on_hand: 2 })).toMatchObject({
      ok: false,
      code: "INSUFFICIENT_STOCK",
    });
    expect(await stub.snapshot()).toMatchObject({ on_hand: 5, reserved: 3, version: 2 });
  });

  it("expires holds from the alarm and records the release in the ledger", async () => {
    const { stub } = stockObject();
    await receive(stub, 4);
    const reservationId = newId("rsv");
    await stub.reserve({ reservation_id: reservationId, qty: 3, ttl_seconds: 1 });
    // Move the hold's time into the past instead of sleeping.
    await runInDurableObject(stub, (_: InventoryDO, state) => {
      state.storage.sql.exec("UPDATE reservations SET expires_at = ? WHERE id = ?", Date.now() - 1, reservationId);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.reservation(reservationId)).toMatchObject({ state: "expired" });
    expect(await stub.snapshot()).toMatchObject({ on_hand: 4, reserved: 0 });
    const [latest] = await stub.ledger({ limit: 1 });
    expect(latest).toMatchObject({ reason: "expired", reservation_id: reservationId, delta_reserved: -3 });
    expect(await stub.commit({ reservation_id: reservationId })).toMatchObject({
      ok: false,
      code: "RESERVATION_NOT_HELD",
      state: "expired",
    });
  });

  it("loses no hold and no movement when evicted mid-run", async () => {
    const { stub } = stockObject();
    await receive(stub, 100);
    const first = await Promise.all(
      Array.from({ length: 30 }, () => stub.reserve({ reservation_id: newId("rsv"), qty: 1, ttl_seconds: 900 })),
    );
    await evictDurableObject(stub);
    const second = await Promise.all(
      Array.from({ length: 30 }, () => stub.reserve({ reservation_id: newId("rsv"), qty: 1, ttl_seconds: 900 })),
    );
    expect([...first, ...second].every((r) => r.ok)).toBe(true);
    expect(await stub.snapshot()).toMatchObject({ on_hand: 100, reserved: 60, version: 61 });
    expect(await stub.ledger({ limit: 200 })).toHaveLength(61);
    const held = await runInDurableObject(
      stub,
      (_: InventoryDO, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM reservations WHERE state = 'held'").one().n,
    );
    expect(held).toBe(60);
  });

  it("a release before its reserve leaves a tombstone so the late reserve holds nothing", async () => {
    const { stub } = stockObject();
    await receive(stub, 5);
    const reservationId = newId("rsv");
    await stub.release({ reservation_id: reservationId, reason: "checkout rolled back" });
    const late = await stub.reserve({ reservation_id: reservationId, qty: 2, ttl_seconds: 60 });
    expect(late).toMatchObject({ ok: true, replayed: true, reservation: { state: "released" } });
    expect(await stub.snapshot()).toMatchObject({ reserved: 0 });
  });

  it("prunes tombstones past 25 h on a later release; a younger one still makes a retry a no-op", async () => {
    const { stub } = stockObject();
    await receive(stub, 5);
    const [young, old, next] = [newId("rsv"), newId("rsv"), newId("rsv")];
    for (const id of [young, old]) await stub.release({ reservation_id: id, reason: "refused" });
    const hoursAgo = (h: number) => Date.now() - h * 60 * 60 * 1000;
    await runInDurableObject(stub, (_: InventoryDO, state) => {
      const age = "UPDATE reservations SET expires_at = ? WHERE id = ?";
      state.storage.sql.exec(age, hoursAgo(24), young);
      state.storage.sql.exec(age, hoursAgo(26), old);
    });

    await stub.release({ reservation_id: next, reason: "refused" });
    expect(await stub.reservation(old)).toBeNull();
    expect(await stub.reservation(young)).toMatchObject({ state: "released", qty: 0 });
    expect(await stub.reservation(next)).toMatchObject({ state: "released", qty: 0 });

    // Within the idempotency window a retried release and a late reserve still change nothing.
    const retried = await stub.release({ reservation_id: young, reason: "refused" });
    expect(retried).toMatchObject({ ok: true, replayed: true, reservation: { state: "released" } });
    const late = await stub.reserve({ reservation_id: young, qty: 2, ttl_seconds: 60 });
    expect(late).toMatchObject({ ok: true, replayed: true, reservation: { state: "released" } });
    expect(await stub.snapshot()).toMatchObject({ on_hand: 5, reserved: 0, version: 1 });
  });
});
