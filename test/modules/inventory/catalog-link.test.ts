import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events } from "../../../src/db/schema";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { type SignedIn, signInAs } from "../../support/auth";
import { createProduct } from "../../support/catalog";
import { db } from "../../support/db";
import { call } from "../../support/http";

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

async function adjust(productId: string, delta: number) {
  const res = await call("POST", `/v1/inventory/${productId}/adjustments`, {
    token: admin.token,
    headers: { "idempotency-key": crypto.randomUUID() },
    body: { delta, reason: delta > 0 ? "received" : "damaged" },
  });
  expect(res.status).toBe(201);
  const stub = env.INVENTORY.get(env.INVENTORY.idFromName(productId));
  await runInDurableObject(stub, (instance: InventoryDO) => instance.flush());
}

const ids = (res: { body: { data: { id?: string; product_id?: string }[] } }) =>
  res.body.data.map((row) => row.id ?? row.product_id);

describe("catalog and stock together", () => {
  it("takes the product's low-stock threshold to its stock object, which emits stock.low", async () => {
    const product = await createProduct(admin.token, { low_stock_threshold: 3 });
    await adjust(product.id, 5);
    await adjust(product.id, -3);
    const low = await db
      .select()
      .from(events)
      .where(and(eq(events.resourceId, product.id), eq(events.type, "stock.low")));
    expect(low.map((e) => e.data.available)).toEqual([2]);

    const staffLow = await call<{ data: { id: string }[] }>("GET", `/v1/products?low_stock=true&q=${product.sku}`, {
      token: admin.token,
    });
    expect(ids(staffLow)).toEqual([product.id]);
    const inventoryLow = await call<{ data: { product_id: string; low_stock: boolean }[] }>(
      "GET",
      `/v1/inventory?low_stock=true&product_id=${product.id}`,
      { token: admin.token },
    );
    expect(inventoryLow.body.data).toMatchObject([{ product_id: product.id, low_stock: true, available: 2 }]);

    const lowered = await call("PATCH", `/v1/products/${product.id}`, {
      token: admin.token,
      body: { low_stock_threshold: 1 },
    });
    expect(lowered.status).toBe(200);
    const level = await env.INVENTORY.get(env.INVENTORY.idFromName(product.id)).snapshot();
    expect(level.low_stock_threshold).toBe(1);
    const notLow = await call<{ data: { id: string }[] }>("GET", `/v1/products?low_stock=false&q=${product.sku}`, {
      token: admin.token,
    });
    expect(ids(notLow)).toEqual([product.id]);
  });
});
