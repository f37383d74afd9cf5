import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import { newId } from "../../../src/lib/ids";
import { stockObject } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { createLocation, stockAt } from "../../support/locations";
import { act, checkout, getOrder, level, pay } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { insertProduct } from "../../support/products";

let staff: SignedIn;
let buyer: SignedIn;
let first: string;
let second: string;
let backroom: string;
beforeAll(async () => {
  [staff, buyer] = await Promise.all([signInAs("operator"), signInAs("customer")]);
  // MAIN (priority 0) fulfils orders too; these products have nothing there.
  first = (await createLocation({ priority: 10 })).id;
  second = (await createLocation({ priority: 20 })).id;
  backroom = (await createLocation({ fulfils_orders: false })).id;
});

describe("allocation at checkout", () => {
  it("holds a line at one location by priority, splits only when none has enough, never from non-fulfilling ones", async () => {
    const product = await insertProduct();
    await Promise.all([
      stockAt(product.id, first, 2),
      stockAt(product.id, second, 5),
      stockAt(product.id, backroom, 100),
    ]);

    const whole = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 4 }] });
    expect(whole.status).toBe(201);
    expect(whole.body.lines).toMatchObject([{ allocations: [{ location_id: second, qty: 4 }] }]);
    const split = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 3 }] });
    expect(split.body.lines).toMatchObject([
      {
        allocations: [
          { location_id: first, qty: 2 },
          { location_id: second, qty: 1 },
        ],
      },
    ]);
    const none = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    expectProblem(none, 409, "INSUFFICIENT_STOCK");
    const read = await getOrder(buyer.token, split.body.id);
    expect(read.body.lines).toMatchObject([{ allocations: [{ location_id: first }, { location_id: second }] }]);

    const after = await level(product.id);
    expect(after.locations.find((l) => l.location_id === backroom)).toMatchObject({ on_hand: 100, reserved: 0 });
    expect(after.locations.every((l) => l.available >= 0 && l.reserved <= l.on_hand)).toBe(true);
  });

  it("fulfils per location; the order completes once every line is fulfilled", async () => {
    const product = await insertProduct();
    await Promise.all([stockAt(product.id, first, 2), stockAt(product.id, second, 5)]);
    const order = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 6 }] });
    expect((await pay(staff.token, order.body.id)).status).toBe(200);
    const sold = await level(product.id);
    expect([first, second].map((id) => sold.locations.find((l) => l.location_id === id)?.on_hand)).toEqual([0, 1]);

    expectProblem(
      await act(staff.token, order.body.id, "fulfil", { location_id: DEFAULT_LOCATION_ID }),
      409,
      "CONFLICT",
    );
    const tooMany = await act(staff.token, order.body.id, "fulfil", {
      location_id: first,
      lines: [{ product_id: product.id, qty: 3 }],
    });
    expectProblem(tooMany, 409, "CONFLICT");
    const part = await act(staff.token, order.body.id, "fulfil", { location_id: first });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({
      status: "processing",
      lines: [{ fulfilled: [{ location_id: first, qty: 2 }], fulfilled_qty: 2 }],
    });
    // The 2 that left cannot be restocked by a cancellation: it is refused, and nothing moves.
    const manager = await signInAs("manager");
    const cancel = await act(manager.token, order.body.id, "cancel", { reason: "changed" });
    expectProblem(cancel, 409, "CONFLICT");
    expect(cancel.body).toMatchObject({ fulfilled_units: 2 });
    expect((await level(product.id)).on_hand).toBe(sold.on_hand);
    const rest = await act(staff.token, order.body.id, "fulfil", {
      location_id: second,
      lines: [{ product_id: product.id, qty: 4 }],
    });
    expect(rest.body).toMatchObject({ status: "completed", lines: [{ fulfilled_qty: 6 }] });
  });

  it("never oversells: 1,000 concurrent 1-unit holds over 3 locations give exactly the total, no location below zero", async () => {
    const product = await insertProduct();
    await Promise.all([
      stockAt(product.id, first, 100),
      stockAt(product.id, second, 150),
      stockAt(product.id, DEFAULT_LOCATION_ID, 250),
    ]);
    const stub = stockObject(env.INVENTORY, product.id);
    const results = await Promise.all(
      Array.from({ length: 1000 }, () =>
        stub.reserve({
          reservation_id: newId("rsv"),
          qty: 1,
          ttl_seconds: 600,
          locations: [DEFAULT_LOCATION_ID, first, second],
        }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(500);
    expect(results.filter((r) => !r.ok && r.code === "INSUFFICIENT_STOCK")).toHaveLength(500);
    const after = await level(product.id);
    expect(after).toMatchObject({ on_hand: 500, reserved: 500, available: 0 });
    for (const l of after.locations) expect(l.reserved).toBe(l.on_hand);
  });
});
