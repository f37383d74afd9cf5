/*
 * The round trips of the hot paths, read from the Server-Timing header, so a change
 * that adds a sequential D1 query or object call to one of them fails here. Exact
 * counts are deterministic (durations are not, and are not asserted).
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { products } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { checkout, db, key, stockedProduct } from "../../support/orders";
import { roundTrips, serverTiming } from "../../support/server-timing";

/**
 * A second GET of a storefront path, until it is a cache hit: other test files share the
 * cache, and a category change of theirs moves the stamp every product page depends on.
 */
async function cachedGet(path: string) {
  for (let attempt = 0; ; attempt++) {
    const res = await call("GET", path);
    if (res.headers.get("x-storefront-cache") === "hit" || attempt === 4) return res;
  }
}

let customer: SignedIn;
let manager: SignedIn;
beforeAll(async () => {
  [customer, manager] = await Promise.all([signInAs("customer"), signInAs("manager")]);
});

describe("round trips per request (Server-Timing)", () => {
  it("storefront get: cache miss, then cache hit", async () => {
    const product = await stockedProduct(10);
    const path = `/v1/store/products/${product.id}`;
    const miss = await call("GET", path);
    expect(miss.headers.get("x-storefront-cache")).toBe("miss");
    // The entry and its stamps are looked up together; the page is one D1 batch.
    expect(roundTrips(miss.headers)).toEqual({ d1: 1, cache: 2, ratelimit: 1 });
    const hit = await cachedGet(path);
    expect(hit.headers.get("x-storefront-cache")).toBe("hit");
    expect(roundTrips(hit.headers)).toEqual({ cache: 1, ratelimit: 1 });
  });

  it("storefront get by slug: cold miss, then cache hit", async () => {
    const product = await stockedProduct(10);
    const [row] = await db.select({ slug: products.slug }).from(products).where(eq(products.id, product.id));
    const path = `/v1/store/products/${row?.slug}`;
    const miss = await call("GET", path);
    // Cold: the slug's id (cache, D1, cache), then the page (cache, D1, cache).
    expect(roundTrips(miss.headers)).toEqual({ d1: 2, cache: 4, ratelimit: 1 });
    const hit = await cachedGet(path);
    expect(hit.headers.get("x-storefront-cache")).toBe("hit");
    // The slug's id, then the page: two cache round trips, no D1.
    expect(roundTrips(hit.headers)).toEqual({ cache: 2, ratelimit: 1 });
  });

  it("storefront list: cache hit", async () => {
    await call("GET", "/v1/store/products?limit=24");
    const hit = await call("GET", "/v1/store/products?limit=24");
    expect(hit.headers.get("x-storefront-cache")).toBe("hit");
    expect(roundTrips(hit.headers)).toEqual({ cache: 1, ratelimit: 1 });
  });

  it("authenticated read: GET /v1/orders/{id}", async () => {
    const product = await stockedProduct(10);
    const order = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    expect(order.status).toBe(201);
    const read = await call("GET", `/v1/orders/${order.body.id}`, { token: customer.token });
    expect(read.status).toBe(200);
    // The session check rides with the order's batch.
    expect(roundTrips(read.headers)).toEqual({ d1: 1, do: 1, ratelimit: 1 });
  });

  it("stock adjustment", async () => {
    const product = await stockedProduct(10);
    const res = await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: manager.token,
      headers: { "idempotency-key": key() },
      body: { delta: -1, reason: "damaged" },
    });
    expect(res.status).toBe(201);
    // One batch: the session guard, the key's claim, the product and the location; the
    // answer is stored after the response.
    expect(roundTrips(res.headers)).toEqual({ d1: 1, do: 1, ratelimit: 1 });
    expect(serverTiming(res.headers).d1?.units).toBe(4);
  });

  it("stock adjustment batch, 2 products", async () => {
    const [a, b] = await Promise.all([stockedProduct(10), stockedProduct(10)]);
    const res = await call("POST", "/v1/inventory/adjustments:batch", {
      token: manager.token,
      headers: { "idempotency-key": key() },
      body: {
        lines: [
          { product_id: a.id, delta: -1, reason: "damaged" },
          { product_id: b.id, delta: 2, reason: "received" },
        ],
      },
    });
    expect(res.status).toBe(200);
    // The claim with the session guard, then the products and locations together; the
    // products' objects are called in one parallel round.
    expect(roundTrips(res.headers)).toEqual({ d1: 2, do: 1, ratelimit: 1 });
    expect(serverTiming(res.headers).do?.units).toBe(2);
  });

  it("checkout, 2 lines", async () => {
    const [a, b] = await Promise.all([stockedProduct(10), stockedProduct(10)]);
    const res = await checkout(customer.token, {
      lines: [
        { product_id: a.id, qty: 1 },
        { product_id: b.id, qty: 2 },
      ],
    });
    expect(res.status).toBe(201);
    // D1: the key's claim with the session guard, the order's reads, then the order's
    // batch holding the key's answer; workflow: creating the order's instance after it.
    expect(roundTrips(res.headers)).toEqual({ d1: 3, do: 1, workflow: 1, ratelimit: 1 });
    // Both lines' objects are called in one parallel round.
    expect(serverTiming(res.headers).do?.units).toBe(2);
  });
});
