import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { orderLines, orders } from "../../../src/db/schema";
import { signInAs } from "../../support/auth";
import { checkout, db, level, pay, stockedProduct } from "../../support/orders";
import { withSettings } from "../../support/settings";

/*
 * The order-level oversell test of issue 5: the saga must never hand out more than
 * the stock object holds, however many checkouts race for it, and paying every
 * winner must sell exactly the stock there was.
 */
describe("checkout under contention", () => {
  it("300 concurrent single-line orders against 100 units: 100 pending, 200 refused; paying all 100 empties the shelf", async () => {
    const [admin, staff, ...buyers] = await Promise.all([
      signInAs("admin"),
      signInAs("operator"),
      signInAs("customer"),
      signInAs("customer"),
      signInAs("customer"),
    ]);
    const product = await stockedProduct(100, 700);
    // Three buyers race for the stock here, not against their own limit of unpaid orders.
    let results: Awaited<ReturnType<typeof checkout>>[] = [];
    await withSettings(admin, { max_open_orders_per_customer: 1000 }, async () => {
      results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          checkout(buyers[i % buyers.length]?.token ?? "", { lines: [{ product_id: product.id, qty: 1 }] }),
        ),
      );
    });
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(100);
    expect(refused).toHaveLength(200);
    expect(refused.every((r) => r.body.code === "INSUFFICIENT_STOCK")).toBe(true);
    expect(await level(product.id)).toMatchObject({ on_hand: 100, reserved: 100, available: 0 });

    const rows = await db
      .select({ status: orders.status, n: sql<number>`count(*)` })
      .from(orders)
      .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
      .where(eq(orderLines.productId, product.id))
      .groupBy(orders.status);
    expect(rows).toEqual([{ status: "pending", n: 100 }]);

    const paid = await Promise.all(created.map((r) => pay(staff?.token ?? "", r.body.id)));
    expect(paid.map((p) => p.status)).toEqual(Array(100).fill(200));
    expect(paid.every((p) => p.body.status === "processing")).toBe(true);
    expect(await level(product.id)).toMatchObject({ on_hand: 0, reserved: 0, available: 0 });
  }, 120_000);
});
