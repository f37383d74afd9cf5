import { beforeAll, describe, expect, it } from "vitest";
import { isGuardFailure, runBatch } from "../../../src/db/batch";
import type { ProductStatus } from "../../../src/db/schema";
import type { RequestMeta } from "../../../src/modules/audit/service";
import { loadProductRow } from "../../../src/modules/products/queries";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { productChangeBatch } from "../../../src/modules/products/writes";
import { type SignedIn, signInAs } from "../../support/auth";
import { auditOf, createProduct, db, eventsOf, transition } from "../../support/catalog";
import { call } from "../../support/http";

let admin: SignedIn;

beforeAll(async () => {
  admin = await signInAs("admin");
});

/** A fresh product in the given status, reached through the API. */
async function productIn(status: ProductStatus): Promise<ProductResponse> {
  const product = await createProduct(admin.token);
  if (status === "draft") return product;
  const res = await transition(admin.token, product.id, status === "published" ? "publish" : "archive");
  expect(res.status).toBe(200);
  return res.body;
}

const ALLOWED: [ProductStatus, string, ProductStatus, string][] = [
  ["draft", "publish", "published", "product.published"],
  ["published", "unpublish", "draft", "product.unpublished"],
  ["draft", "archive", "archived", "product.archived"],
  ["published", "archive", "archived", "product.archived"],
  ["archived", "restore", "draft", "product.restored"],
];

const REFUSED: [ProductStatus, string][] = [
  ["published", "publish"],
  ["archived", "publish"],
  ["draft", "unpublish"],
  ["archived", "unpublish"],
  ["archived", "archive"],
  ["draft", "restore"],
  ["published", "restore"],
];

describe("product lifecycle", () => {
  for (const [from, action, to, eventType] of ALLOWED) {
    it(`${action}: ${from} → ${to}, with exactly one ${eventType} event`, async () => {
      const product = await productIn(from);
      const eventsBefore = (await eventsOf(product.id)).length;
      const res = await transition(admin.token, product.id, action);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: to, version: product.version + 1 });
      expect(res.headers.get("etag")).toBe(`W/"${product.version + 1}"`);
      const events = (await eventsOf(product.id)).slice(eventsBefore);
      expect(events.map((e) => e.type)).toEqual([eventType]);
      expect(events[0]?.data).toMatchObject({ id: product.id, status: to, version: product.version + 1 });
      expect((await auditOf(product.id)).at(-1)).toMatchObject({
        action: eventType,
        before: { status: from },
        after: { status: to },
      });
    });
  }

  for (const [from, action] of REFUSED) {
    it(`${action} from ${from} is 409 INVALID_TRANSITION and changes nothing`, async () => {
      const product = await productIn(from);
      const eventsBefore = await eventsOf(product.id);
      const res = await transition(admin.token, product.id, action);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: "INVALID_TRANSITION" });
      expect(await eventsOf(product.id)).toEqual(eventsBefore);
      const current = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
      expect(current.body).toMatchObject({ status: from, version: product.version });
    });
  }

  it("sets published_at on publish and keeps first_published_at for good", async () => {
    const product = await createProduct(admin.token);
    const published = (await transition(admin.token, product.id, "publish")).body;
    expect(published.published_at).not.toBeNull();
    expect(published.first_published_at).toBe(published.published_at);
    const unpublished = (await transition(admin.token, product.id, "unpublish")).body;
    expect(unpublished.published_at).toBeNull();
    expect(unpublished.first_published_at).toBe(published.first_published_at);
    const again = (await transition(admin.token, product.id, "publish")).body;
    expect(again.first_published_at).toBe(published.first_published_at);
  });

  it("refuses to publish a product without a price, naming the missing field", async () => {
    const product = await createProduct(admin.token, { price: null });
    const res = await transition(admin.token, product.id, "publish");
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "INVALID_TRANSITION", errors: [{ path: "price" }] });
    expect(await eventsOf(product.id)).toEqual([]);
  });

  it("honours If-Match on transitions", async () => {
    const product = await createProduct(admin.token);
    const stale = await transition(admin.token, product.id, "publish", { "if-match": 'W/"7"' });
    expect(stale.status).toBe(412);
    const fresh = await transition(admin.token, product.id, "publish", { "if-match": 'W/"1"' });
    expect(fresh.status).toBe(200);
  });

  it("lets only one of two concurrent publishes land, with one event", async () => {
    const product = await createProduct(admin.token);
    const results = await Promise.all([
      transition(admin.token, product.id, "publish"),
      transition(admin.token, product.id, "publish"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await eventsOf(product.id)).map((e) => e.type)).toEqual(["product.published"]);
  });

  it("404s transitions of an unknown product", async () => {
    expect((await transition(admin.token, "prd_nope", "publish")).status).toBe(404);
  });
});

describe("product change batch", () => {
  it("commits nothing, not even the event or audit row, once another change won", async () => {
    const product = await productIn("published");
    const row = await loadProductRow(db, product.id);
    const meta: RequestMeta = { actor: null, requestId: "req_test", ip: null };
    const change = (name: string) =>
      productChangeBatch(db, meta, "https://stockroom.test", {
        current: row,
        set: { name },
        images: [],
        imagesBefore: [],
        action: "product.updated",
      });
    const first = change("First");
    const second = change("Second"); // built from the same read: it will find the version moved
    await runBatch(db, first.statements);
    const eventsAfterFirst = await eventsOf(product.id);
    const auditAfterFirst = await auditOf(product.id);
    let failure: unknown;
    try {
      await runBatch(db, second.statements);
    } catch (err) {
      failure = err;
    }
    expect(isGuardFailure(failure)).toBe(true);
    expect(await eventsOf(product.id)).toEqual(eventsAfterFirst);
    expect(await auditOf(product.id)).toEqual(auditAfterFirst);
    expect(await loadProductRow(db, product.id)).toMatchObject({ name: "First", version: row.version + 1 });
  });
});
