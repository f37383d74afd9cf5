import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import type { StockLevel } from "../../../src/durable/inventory/types";
import { newId } from "../../../src/lib/ids";

const A = DEFAULT_LOCATION_ID;
const B = newId("loc");
const C = newId("loc");

function stockObject() {
  const productId = newId("prd");
  return { productId, stub: env.INVENTORY.get(env.INVENTORY.idFromName(productId)) };
}
type Stub = ReturnType<typeof stockObject>["stub"];

async function receive(stub: Stub, locationId: string, qty: number) {
  const result = await stub.adjust({
    movement_id: newId("mov"),
    location_id: locationId,
    delta: qty,
    reason: "received",
  });
  if (!result.ok) throw new Error(`receive failed: ${JSON.stringify(result)}`);
}

const at = (level: StockLevel, locationId: string) => level.locations.find((l) => l.location_id === locationId);
/** Units the product owns anywhere: on hand at a location, or in transit to one. */
const owned = (level: StockLevel) => level.on_hand + level.incoming;

describe("InventoryDO per location", () => {
  it("keeps buckets per location and totals them", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 5);
    await receive(stub, B, 7);
    const level = await stub.snapshot();
    expect(level).toMatchObject({ on_hand: 12, available: 12, version: 2 });
    expect(at(level, A)).toMatchObject({ on_hand: 5, version: 1 });
    expect(at(level, B)).toMatchObject({ on_hand: 7, version: 1 });
  });

  it("allocates a hold at the first location that has it all, and splits only when none has", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 2);
    await receive(stub, B, 5);
    await receive(stub, C, 5);
    const whole = await stub.reserve({
      reservation_id: newId("rsv"),
      qty: 4,
      ttl_seconds: 60,
      locations: [A, B, C],
    });
    expect(whole).toMatchObject({ ok: true, reservation: { allocations: [{ location_id: B, qty: 4 }] } });
    const split = await stub.reserve({
      reservation_id: newId("rsv"),
      qty: 6,
      ttl_seconds: 60,
      locations: [A, B, C],
    });
    expect(split).toMatchObject({
      ok: true,
      reservation: {
        allocations: [
          { location_id: A, qty: 2 },
          { location_id: B, qty: 1 },
          { location_id: C, qty: 3 },
        ],
      },
    });
    const short = await stub.reserve({
      reservation_id: newId("rsv"),
      qty: 3,
      ttl_seconds: 60,
      locations: [A, B, C],
    });
    expect(short).toMatchObject({ ok: false, code: "INSUFFICIENT_STOCK", available: 2 });
    // A sale takes the units off the shelf where they were held.
    if (!split.ok) throw new Error("split hold failed");
    await stub.commit({ reservation_id: split.reservation.id });
    const level = await stub.snapshot();
    expect([at(level, A)?.on_hand, at(level, B)?.on_hand, at(level, C)?.on_hand]).toEqual([0, 4, 2]);
    expect(level).toMatchObject({ reserved: 4, on_hand: 6, available: 2 });
  });

  it("refuses a stock-take against a stale location version and keeps the other locations apart", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 5);
    await receive(stub, B, 5);
    const stale = await stub.setCount({
      movement_id: newId("mov"),
      location_id: B,
      on_hand: 3,
      expected_version: 0,
    });
    expect(stale).toMatchObject({ ok: false, code: "VERSION_MISMATCH", version: 1, location_id: B });
    const counted = await stub.setCount({
      movement_id: newId("mov"),
      location_id: B,
      on_hand: 3,
      expected_version: 1,
    });
    expect(counted).toMatchObject({ ok: true, movement: { location_id: B, delta_on_hand: -2, version: 2 } });
    expect(at(await stub.snapshot(), A)).toMatchObject({ on_hand: 5, version: 1 });
  });

  it("changes states and refuses changes that would break an invariant, with the level", async () => {
    const { stub } = stockObject();
    await receive(stub, B, 10);
    await stub.reserve({
      reservation_id: newId("rsv"),
      qty: 6,
      ttl_seconds: 60,
      locations: [B],
    });
    const change = (from: string, to: string, qty: number) =>
      stub.changeState({
        movement_id: newId("mov"),
        location_id: B,
        from: from as "sellable",
        to: to as "damaged",
        qty,
      });
    expect(await change("sellable", "damaged", 3)).toMatchObject({
      ok: true,
      movement: { reason: "marked_damaged", delta_damaged: 3, delta_on_hand: 0, damaged: 3 },
    });
    // 6 held + 3 damaged of 10: only one more unit can be set aside.
    expect(await change("sellable", "quarantine", 2)).toMatchObject({
      ok: false,
      code: "INSUFFICIENT_STOCK",
      level: { location_id: B, on_hand: 10, reserved: 6, damaged: 3, quarantine: 0 },
    });
    expect(await change("sellable", "quarantine", 1)).toMatchObject({ ok: true, movement: { reason: "quarantined" } });
    expect(await change("quarantine", "sellable", 1)).toMatchObject({
      ok: true,
      movement: { reason: "released_from_quarantine", delta_quarantine: -1 },
    });
    expect(await change("damaged", "written_off", 2)).toMatchObject({
      ok: true,
      movement: { reason: "written_off", delta_damaged: -2, delta_on_hand: -2, on_hand: 8, damaged: 1 },
    });
    expect(await change("damaged", "written_off", 2)).toMatchObject({ ok: false, code: "INSUFFICIENT_STOCK" });
    expect(at(await stub.snapshot(), B)).toMatchObject({ on_hand: 8, reserved: 6, damaged: 1, available: 1 });
  });

  it("sends units out on a dispatch and takes them back, and receives returns into a state", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 5);
    const move = (from: string, to: string, qty: number, reason?: "returned") =>
      stub.changeState({
        movement_id: newId("mov"),
        from: from as "sellable",
        to: to as "out",
        qty,
        ...(reason ? { reason } : {}),
      });
    expect(await move("sellable", "out", 4)).toMatchObject({
      ok: true,
      movement: { reason: "dispatch", out: 4, on_hand: 1 },
    });
    expect(await move("out", "sellable", 2)).toMatchObject({ ok: true, movement: { reason: "dispatch_return" } });
    expect(await move("out", "damaged", 1)).toMatchObject({
      ok: true,
      movement: { reason: "dispatch_return", damaged: 1 },
    });
    expect(await move("out", "written_off", 2)).toMatchObject({ ok: false, code: "INSUFFICIENT_STOCK" });
    expect(await move("external", "quarantine", 2, "returned")).toMatchObject({
      ok: true,
      movement: { reason: "returned", delta_on_hand: 2, delta_quarantine: 2 },
    });
    expect(at(await stub.snapshot(), A)).toMatchObject({
      on_hand: 6,
      out: 1,
      damaged: 1,
      quarantine: 2,
      available: 3,
    });
  });

  it("conserves units over a transfer, across an eviction between ship and receive", async () => {
    const { productId, stub } = stockObject();
    await receive(stub, A, 10);
    const transferId = newId("trf");
    const before = owned(await stub.snapshot());
    const shipId = newId("mov");
    const shipment = {
      product_id: productId,
      movement_id: shipId,
      transfer_id: transferId,
      from_location_id: A,
      to_location_id: B,
      qty: 6,
    };
    const shipped = await stub.shipTransfer(shipment);
    expect(shipped).toMatchObject({
      ok: true,
      movements: [
        { reason: "transfer_out", location_id: A },
        { location_id: B, incoming: 6 },
      ],
    });
    expect(await stub.shipTransfer(shipment)).toMatchObject({ ok: true, replayed: true });
    expect(owned(await stub.snapshot())).toBe(before);

    await evictDurableObject(stub);
    const first = await stub.receiveTransfer({
      movement_id: newId("mov"),
      transfer_id: transferId,
      received: 4,
      lost: 0,
    });
    expect(first).toMatchObject({
      ok: true,
      movements: [{ reason: "transfer_in", location_id: B, on_hand: 4, incoming: 2 }],
    });
    expect(owned(await stub.snapshot())).toBe(before);
    expect(
      await stub.receiveTransfer({
        movement_id: newId("mov"),
        transfer_id: transferId,
        received: 2,
        lost: 1,
      }),
    ).toMatchObject({ ok: false, code: "TRANSFER_CONFLICT" });
    await stub.receiveTransfer({
      movement_id: newId("mov"),
      transfer_id: transferId,
      received: 1,
      lost: 1,
    });
    const level = await stub.snapshot();
    expect(owned(level)).toBe(before - 1);
    expect(at(level, A)).toMatchObject({ on_hand: 4 });
    expect(at(level, B)).toMatchObject({ on_hand: 5, incoming: 0 });
    expect(await stub.transfer(transferId)).toMatchObject({ shipped: 6, received: 5, lost: 1 });
  });

  it("refuses to ship units that are held", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 3);
    await stub.reserve({ reservation_id: newId("rsv"), qty: 2, ttl_seconds: 60 });
    const refused = await stub.shipTransfer({
      movement_id: newId("mov"),
      transfer_id: newId("trf"),
      from_location_id: A,
      to_location_id: B,
      qty: 2,
    });
    expect(refused).toMatchObject({ ok: false, code: "INSUFFICIENT_STOCK", location_id: A });
    expect(await stub.snapshot()).toMatchObject({ on_hand: 3, reserved: 2, incoming: 0 });
  });

  it("withholds safety stock from sale without making available negative", async () => {
    const { stub } = stockObject();
    await receive(stub, A, 3);
    await stub.setSafetyStock({ location_id: A, safety_stock: 5 });
    expect(at(await stub.snapshot(), A)).toMatchObject({ on_hand: 3, safety_stock: 5, available: 0 });
    expect(await stub.reserve({ reservation_id: newId("rsv"), qty: 1, ttl_seconds: 60 })).toMatchObject({
      ok: false,
      code: "INSUFFICIENT_STOCK",
    });
  });
});
