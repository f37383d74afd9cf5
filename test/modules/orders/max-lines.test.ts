import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { reviews } from "../../../src/db/schema";
import { signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { checkout, db, key, level, pay, stockedProduct } from "../../support/orders";

/** The documented maximum of lines per checkout and per direct sale. */
const MAX_LINES = 100;
/** A hundred stock objects are called several times over; on a busy machine that outlasts the default timeout. */
const LONG = 120_000;

async function products(n: number) {
  const out = [];
  // A few at a time: each stocking is a stock-object round trip.
  for (let i = 0; i < n; i += 20)
    out.push(...(await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => stockedProduct(3, 500)))));
  return out;
}

describe("orders at the documented maximum of lines", () => {
  it(
    "checks out 100 distinct products and pays for them (reviews of all of them become verified)",
    async () => {
      const [staff, customer] = await Promise.all([signInAs("operator"), signInAs("customer")]);
      const items = await products(MAX_LINES);
      const reviewed = await call("POST", `/v1/products/${items[0]?.id}/reviews`, {
        token: customer.token,
        body: { rating: 4, title: "Nice" },
      });
      expect(reviewed.status, reviewed.text).toBe(201);
      const created = await checkout(customer.token, { lines: items.map((p) => ({ product_id: p.id, qty: 1 })) });
      expect(created.status, created.text).toBe(201);
      expect(created.body.lines).toHaveLength(MAX_LINES);
      const paid = await pay(staff.token, created.body.id, { provider: "manual", method: "cash" });
      expect(paid.status, paid.text).toBe(200);
      expect(paid.body.status).toBe("processing");
      expect(await level(items[99]?.id ?? "")).toMatchObject({ on_hand: 2, reserved: 0 });
      const [review] = await db.select().from(reviews).where(eq(reviews.authorId, customer.id));
      expect(review?.verifiedPurchase).toBe(true);
    },
    LONG,
  );

  it(
    "sells 100 lines directly at the counter",
    async () => {
      const clerk = await signInAs("operator");
      const items = await products(MAX_LINES);
      const res = await call<{ lines: unknown[] }>("POST", "/v1/invoices", {
        token: clerk.token,
        headers: { "idempotency-key": key() },
        body: {
          lines: items.map((p) => ({ product_id: p.id, qty: 2 })),
          payment: { provider: "manual", method: "cash" },
        },
      });
      expect(res.status, res.text).toBe(201);
      expect(res.body.lines).toHaveLength(MAX_LINES);
    },
    LONG,
  );
});
