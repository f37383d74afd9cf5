import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orders } from "../../../src/db/schema";
import { placeOrder } from "../../../src/modules/orders/checkout";
import { orderDeps } from "../../../src/modules/orders/store";
import { signInAs, userActorOf } from "../../support/auth";
import {
  db,
  failingBatches,
  lapseHolds,
  ledger,
  level,
  runStockAlarm,
  staffMeta,
  stockedProduct,
  unreachable,
} from "../../support/orders";

describe("checkout crash safety", () => {
  it("a D1 failure after the holds releases them at once and leaves no order", async () => {
    const product = await stockedProduct(4);
    const buyer = await signInAs("customer");
    const actor = userActorOf(buyer);
    const deps = { ...orderDeps(env, db), db: failingBatches(() => true) };
    await expect(
      placeOrder(deps, actor, { lines: [{ product_id: product.id, qty: 3 }] }, staffMeta(actor)),
    ).rejects.toThrow("D1 unavailable");
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 0 });
    expect((await ledger(product.id)).map((m) => m.reason)).toEqual(["released", "reserved", "received"]);
    expect(await db.select().from(orders).where(eq(orders.customerId, buyer.id))).toHaveLength(0);
  });

  it("if the release is lost too, the holds' TTL frees the stock: nothing stays stuck", async () => {
    const product = await stockedProduct(4);
    const buyer = await signInAs("customer");
    const actor = userActorOf(buyer);
    const deps = { ...orderDeps(env, db), db: failingBatches(() => true), objects: unreachable("release") };
    await expect(
      placeOrder(deps, actor, { lines: [{ product_id: product.id, qty: 3 }] }, staffMeta(actor)),
    ).rejects.toThrow("D1 unavailable");
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 3, available: 1 });

    const [hold] = await ledger(product.id);
    const orderId = hold?.reference ?? "";
    expect(orderId).toMatch(/^ord_/);
    await lapseHolds(product.id, orderId);
    await runStockAlarm(product.id);
    expect(await level(product.id)).toMatchObject({ on_hand: 4, reserved: 0, available: 4 });
    expect((await ledger(product.id))[0]).toMatchObject({ reason: "expired", delta_reserved: -3 });
    expect(await db.select().from(orders).where(eq(orders.customerId, buyer.id))).toHaveLength(0);
  });
});
