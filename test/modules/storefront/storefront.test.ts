import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { newId } from "../../../src/lib/ids";
import type { StoreCategory, StoreProduct } from "../../../src/modules/storefront/schemas";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { createCategory, createProduct, publishedProduct, transition, unique } from "../../support/catalog";
import { call } from "../../support/http";

type Page = { data: StoreProduct[]; next_cursor: string | null };

let admin: SignedIn;
let publishable: string;

beforeAll(async () => {
  admin = await signInAs("admin");
  publishable = (await createApiKey(admin, { type: "publishable", name: "shop" })).secret;
});

const STORE_FIELDS = [
  "attributes",
  "available",
  "category_id",
  "compare_at_price",
  "description",
  "id",
  "images",
  "in_stock",
  "name",
  "price",
  "published_at",
  "rating_average",
  "rating_count",
  "sku",
  "slug",
  "updated_at",
];

describe("storefront products", () => {
  it("shows a published product by id and by slug, with shopper fields only", async () => {
    const product = await publishedProduct(admin.token, {
      barcode: unique("INT").toUpperCase(),
      low_stock_threshold: 3,
    });
    for (const key of [product.id, product.slug, product.slug.toUpperCase()]) {
      const res = await call<StoreProduct>("GET", `/v1/store/products/${key}`);
      expect(res.status, key).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(STORE_FIELDS);
      expect(res.body).toMatchObject({ id: product.id, price: product.price, in_stock: false, available: 0 });
    }
  });

  it("shows stock from the projection, and a sold-out product at once despite the cache", async () => {
    const product = await publishedProduct(admin.token);
    const stock = env.INVENTORY.get(env.INVENTORY.idFromName(product.id));
    const flush = () => runInDurableObject(stock, (instance: InventoryDO) => instance.flush());
    await stock.adjust({ movement_id: newId("mov"), delta: 2, reason: "received" });
    await flush();
    const url = `/v1/store/products/${product.slug}`;
    expect((await call<StoreProduct>("GET", url)).body).toMatchObject({ in_stock: true, available: 2 });
    expect((await call<StoreProduct>("GET", url)).headers.get("x-storefront-cache")).toBe("hit");

    await stock.adjust({ movement_id: newId("mov"), delta: -2, reason: "damaged" });
    await flush();
    const soldOut = await call<StoreProduct>("GET", url);
    expect(soldOut.body).toMatchObject({ in_stock: false, available: 0 });
    const list = await call<{ data: StoreProduct[] }>("GET", `/v1/store/products?q=${encodeURIComponent(product.sku)}`);
    expect(list.body.data.find((p) => p.id === product.id)).toMatchObject({ in_stock: false });
  });

  it("never shows drafts or archived products", async () => {
    const draft = await createProduct(admin.token);
    const archived = await publishedProduct(admin.token);
    await transition(admin.token, archived.id, "archive");
    for (const product of [draft, archived]) {
      expect((await call("GET", `/v1/store/products/${product.id}`)).status).toBe(404);
      expect((await call("GET", `/v1/store/products/${product.slug}`)).status).toBe(404);
      const search = await call<Page>("GET", `/v1/store/products?q=${encodeURIComponent(product.sku)}`);
      expect(search.body.data).toEqual([]);
    }
    // A staff-only filter is not a way in.
    const asDraft = await call<Page>("GET", `/v1/store/products?status=draft&q=${encodeURIComponent(draft.sku)}`);
    expect(asDraft.body.data).toEqual([]);
  });

  it("lists, filters and sorts published products", async () => {
    const parent = await createCategory(admin.token);
    const child = await createCategory(admin.token, { parent_id: parent.id });
    const a = await publishedProduct(admin.token, { category_id: parent.id, price: 300 });
    const b = await publishedProduct(admin.token, { category_id: child.id, price: 100 });
    await createProduct(admin.token, { category_id: parent.id, price: 200 }); // draft: never listed
    const byCategory = await call<Page>(
      "GET",
      `/v1/store/products?category_id=${parent.id}&include_descendants=true&sort=price&order=asc`,
    );
    expect(byCategory.body.data.map((p) => p.id)).toEqual([b.id, a.id]);
    const bySlug = await call<Page>("GET", `/v1/store/products?category=${child.slug}`);
    expect(bySlug.body.data.map((p) => p.id)).toEqual([b.id]);
    const unknownSlug = await call<Page>("GET", `/v1/store/products?category=${unique("nope")}`);
    expect(unknownSlug.body.data).toEqual([]);
    const priced = await call<Page>(
      "GET",
      `/v1/store/products?category_id=${parent.id}&include_descendants=true&min_price=200`,
    );
    expect(priced.body.data.map((p) => p.id)).toEqual([a.id]);
    const paged = await call<Page>(
      "GET",
      `/v1/store/products?category_id=${parent.id}&include_descendants=true&limit=1`,
    );
    expect(paged.body.data).toHaveLength(1);
    const next = await call<Page>(
      "GET",
      `/v1/store/products?category_id=${parent.id}&include_descendants=true&limit=1&cursor=${paged.body.next_cursor}`,
    );
    expect(next.body.data).toHaveLength(1);
    expect(next.body.data[0]?.id).not.toBe(paged.body.data[0]?.id);
  });

  it("searches published products by name", async () => {
    const word = `storeword${crypto.randomUUID().slice(0, 6)}`;
    const product = await publishedProduct(admin.token, { name: `Lantern ${word}` });
    const res = await call<Page>("GET", `/v1/store/products?q=${word}`);
    expect(res.body.data.map((p) => p.id)).toEqual([product.id]);
  });

  it("validates its query like the staff list", async () => {
    expect((await call("GET", "/v1/store/products?limit=500")).status).toBe(400);
    expect((await call("GET", "/v1/store/products?sort=relevance")).status).toBe(400);
  });
});

describe("storefront caching", () => {
  it("answers with an ETag and public Cache-Control, and 304 when unchanged", async () => {
    const product = await publishedProduct(admin.token);
    const path = `/v1/store/products/${product.id}`;
    const first = await call("GET", path);
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30, stale-while-revalidate=300");
    const again = await call("GET", path, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await call("GET", path, { headers: { "if-none-match": '"stale"' } })).status).toBe(200);
  });

  it("serves repeat reads from the Workers cache", async () => {
    const product = await publishedProduct(admin.token);
    const path = `/v1/store/products/${product.slug}`;
    const first = await call("GET", path);
    const second = await call("GET", path);
    expect(first.headers.get("x-storefront-cache")).toBe("miss");
    expect(second.headers.get("x-storefront-cache")).toBe("hit");
    expect(second.text).toBe(first.text);
  });

  it("shows publish, edit, unpublish and archive at once", async () => {
    const word = `fresh${crypto.randomUUID().slice(0, 8)}`;
    const product = await createProduct(admin.token, { name: `Kettle ${word}` });
    const list = `/v1/store/products?q=${word}`;
    const detail = `/v1/store/products/${product.id}`;
    const ids = async () => (await call<Page>("GET", list)).body.data.map((p) => p.id);

    expect(await ids()).toEqual([]);
    expect(await ids()).toEqual([]); // now cached
    await transition(admin.token, product.id, "publish");
    expect(await ids()).toEqual([product.id]);
    const before = await call<StoreProduct>("GET", detail);
    expect(before.body.price).toBe(product.price);

    await call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { price: 777 } });
    const edited = await call<StoreProduct>("GET", detail, {
      headers: { "if-none-match": before.headers.get("etag") ?? "" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.price).toBe(777);

    await transition(admin.token, product.id, "unpublish");
    expect(await ids()).toEqual([]);
    expect((await call("GET", detail)).status).toBe(404);
    await transition(admin.token, product.id, "publish");
    await transition(admin.token, product.id, "archive");
    expect(await ids()).toEqual([]);
  });

  it("keeps other products' pages cached when one product changes, and shows the change at once", async () => {
    const [a, b] = await Promise.all([publishedProduct(admin.token), publishedProduct(admin.token)]);
    const page = (id: string) => call<StoreProduct>("GET", `/v1/store/products/${id}`);
    const list = () => call<Page>("GET", `/v1/store/products?q=${encodeURIComponent(a.sku)}`);
    await Promise.all([page(a.id), page(b.id), list()]);
    expect((await page(b.id)).headers.get("x-storefront-cache")).toBe("hit");
    expect((await list()).headers.get("x-storefront-cache")).toBe("hit");

    const patched = await call("PATCH", `/v1/products/${a.id}`, { token: admin.token, body: { price: 4321 } });
    expect(patched.status, patched.text).toBe(200);
    const changed = await page(a.id);
    expect(changed.headers.get("x-storefront-cache")).toBe("miss");
    expect(changed.body.price).toBe(4321);
    const listed = await list();
    expect(listed.headers.get("x-storefront-cache")).toBe("miss");
    expect(listed.body.data.find((p) => p.id === a.id)?.price).toBe(4321);
    const other = await page(b.id);
    expect(other.headers.get("x-storefront-cache")).toBe("hit");
    expect(other.body.price).toBe(b.price);
  });

  it("follows a slug that moves at once: the old slug is gone, the new one answers", async () => {
    const product = await publishedProduct(admin.token);
    const oldPath = `/v1/store/products/${product.slug}`;
    await call("GET", oldPath);
    expect((await call("GET", oldPath)).headers.get("x-storefront-cache")).toBe("hit");
    const slug = `${product.slug}-moved`;
    const patched = await call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { slug } });
    expect(patched.status, patched.text).toBe(200);
    expect((await call("GET", oldPath)).status).toBe(404);
    const moved = await call<StoreProduct>("GET", `/v1/store/products/${slug}`);
    expect(moved.status).toBe(200);
    expect(moved.body.id).toBe(product.id);
  });

  it("shows products moved by a category's deletion in their new category at once", async () => {
    const [from, to] = await Promise.all([
      createCategory(admin.token, { name: unique("From") }),
      createCategory(admin.token, { name: unique("To") }),
    ]);
    const product = await publishedProduct(admin.token, { category_id: from.id });
    const path = `/v1/store/products/${product.id}`;
    await call("GET", path);
    expect((await call<StoreProduct>("GET", path)).body.category_id).toBe(from.id);
    const deleted = await call("DELETE", `/v1/categories/${from.id}?reassign_to=${to.id}`, { token: admin.token });
    expect(deleted.status, deleted.text).toBe(204);
    expect((await call<StoreProduct>("GET", path)).body.category_id).toBe(to.id);
  });

  it("shows category changes in the tree at once", async () => {
    const findIn = (tree: StoreCategory[], id: string): StoreCategory | undefined => {
      for (const node of tree) {
        if (node.id === id) return node;
        const found = findIn(node.children, id);
        if (found) return found;
      }
      return undefined;
    };
    const root = await createCategory(admin.token, { name: unique("Root") });
    const first = await call<{ data: StoreCategory[] }>("GET", "/v1/store/categories");
    expect(findIn(first.body.data, root.id)).toMatchObject({ children: [] });
    const leaf = await createCategory(admin.token, { parent_id: root.id });
    const second = await call<{ data: StoreCategory[] }>("GET", "/v1/store/categories");
    expect(findIn(second.body.data, root.id)?.children.map((c) => c.id)).toEqual([leaf.id]);
    expect(Object.keys(findIn(second.body.data, leaf.id) ?? {}).sort()).toEqual([
      "children",
      "id",
      "name",
      "position",
      "slug",
    ]);
  });
});

describe("storefront access", () => {
  it("is open to anonymous callers, publishable keys, customers and staff", async () => {
    const customer = await signInAs("customer");
    const product = await publishedProduct(admin.token);
    for (const token of [undefined, publishable, customer.token, admin.token]) {
      for (const path of ["/v1/store/products", `/v1/store/products/${product.id}`, "/v1/store/categories"]) {
        const res = await call("GET", path, token ? { token } : {});
        expect(res.status, `${path} ${token?.slice(0, 3)}`).toBe(200);
      }
    }
  });

  it("still refuses credentials that do not check out", async () => {
    const res = await call("GET", "/v1/store/products", { token: "pk_notarealkeynotarealkeynotarealkey" });
    expect(res.status).toBe(401);
  });

  it("lets publishable keys read nothing else of the catalog", async () => {
    const product = await publishedProduct(admin.token);
    for (const path of ["/v1/products", `/v1/products/${product.id}`, "/v1/categories"]) {
      expect((await call("GET", path, { token: publishable })).status, path).toBe(403);
    }
  });
});
