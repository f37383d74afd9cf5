import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { reviews } from "../../../src/db/schema";
import { hasPurchased } from "../../../src/modules/orders/purchases";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, db, pay, stockedProduct } from "../../support/orders";

let staff: SignedIn;
beforeAll(async () => {
  staff = await signInAs("manager");
});

describe("verified purchases", () => {
  it("a paid order marks the customer's reviews of its products verified, and only those", async () => {
    const buyer = await signInAs("customer");
    const [bought, notBought] = await Promise.all([stockedProduct(5), stockedProduct(5)]);
    for (const product of [bought, notBought]) {
      const res = await call("POST", `/v1/products/${product.id}/reviews`, {
        token: buyer.token,
        body: { rating: 5, title: "Lovely" },
      });
      expect(res.status, res.text).toBe(201);
    }
    const order = await checkout(buyer.token, { lines: [{ product_id: bought.id, qty: 1 }] });
    expect(await hasPurchased(db, buyer.id, bought.id)).toBe(false);
    await pay(staff.token, order.body.id);
    expect(await hasPurchased(db, buyer.id, bought.id)).toBe(true);
    expect(await hasPurchased(db, buyer.id, notBought.id)).toBe(false);
    const rows = await db.select().from(reviews).where(eq(reviews.authorId, buyer.id));
    expect(Object.fromEntries(rows.map((r) => [r.productId, r.verifiedPurchase]))).toEqual({
      [bought.id]: true,
      [notBought.id]: false,
    });
  });

  it("a cancelled order is not a purchase", async () => {
    const buyer = await signInAs("customer");
    const product = await stockedProduct(5);
    const order = await checkout(buyer.token, { lines: [{ product_id: product.id, qty: 1 }] });
    await act(staff.token, order.body.id, "cancel");
    expect(await hasPurchased(db, buyer.id, product.id)).toBe(false);
  });

  it("a review written after paying is verified from the start; one without a purchase is not", async () => {
    const buyer = await signInAs("customer");
    const [bought, notBought] = await Promise.all([stockedProduct(5), stockedProduct(5)]);
    const order = await checkout(buyer.token, { lines: [{ product_id: bought.id, qty: 1 }] });
    await pay(staff.token, order.body.id);
    const review = (productId: string) =>
      call<{ verified_purchase: boolean }>("POST", `/v1/products/${productId}/reviews`, {
        token: buyer.token,
        body: { rating: 4, title: "Good" },
      });
    expect((await review(bought.id)).body.verified_purchase).toBe(true);
    expect((await review(notBought.id)).body.verified_purchase).toBe(false);
  });
});
