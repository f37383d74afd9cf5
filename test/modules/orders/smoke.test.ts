import { describe, expect, it } from "vitest";
import { signInAs } from "../../support/auth";
import { act, checkout, drainOrderEvents, getOrder, level, pay, refund, stockedProduct } from "./support";

describe("smoke", () => {
  it("runs an order end to end", async () => {
    const admin = await signInAs("admin");
    const customer = await signInAs("customer");
    const a = await stockedProduct(10, 1000);
    const b = await stockedProduct(5, 333);
    const created = await checkout(customer.token, { lines: [{ product_id: a.id, qty: 2 }, { product_id: b.id, qty: 3 }] });
    expect(created.status, created.text).toBe(201);
    const paid = await pay(admin.token, created.body.id);
    expect(paid.status, paid.text).toBe(200);
    expect(await level(a.id)).toMatchObject({ on_hand: 8, reserved: 0 });
    const done = await act(admin.token, created.body.id, "fulfil");
    expect(done.status, done.text).toBe(200);
    await drainOrderEvents(created.body.id);
    const r = await refund(admin.token, created.body.id, { lines: [{ product_id: b.id, qty: 1, restock: true }], reason: "damaged" });
    expect(r.status, r.text).toBe(200);
    await drainOrderEvents(created.body.id);
    const detail = await getOrder(admin.token, created.body.id);
    console.log(JSON.stringify(detail.body, null, 1));
    expect(await level(b.id)).toMatchObject({ on_hand: 3, reserved: 0 });
  });
});
