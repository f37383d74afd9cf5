import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { products } from "../../../src/db/schema";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { type SignedIn, signInAs } from "../../support/auth";
import {
  auditOf,
  createCategory,
  createProduct,
  db,
  eventsOf,
  publishedProduct,
  randomEan13,
  transition,
  unique,
} from "../../support/catalog";
import { call } from "../../support/http";

let admin: SignedIn;

beforeAll(async () => {
  admin = await signInAs("admin");
});

type Problem = { code: string; errors?: { path: string; message: string }[] };

describe("products: create", () => {
  it("creates a draft with defaults, a generated slug and an audit row", async () => {
    const sku = unique("TEE").toUpperCase();
    const res = await call<ProductResponse>("POST", "/v1/products", {
      token: admin.token,
      body: { sku, name: "Crème Brûlée Tee", price: 2500, attributes: { color: "red", size: "M", organic: true } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sku,
      name: "Crème Brûlée Tee",
      description: "",
      price: 2500,
      compare_at_price: null,
      barcode: null,
      category_id: null,
      attributes: { color: "red", size: "M", organic: true },
      low_stock_threshold: null,
      status: "draft",
      version: 1,
      published_at: null,
      first_published_at: null,
      rating_average: null,
      rating_count: 0,
      in_stock: null,
      available: null,
      images: [],
    });
    expect(res.body.id).toMatch(/^prd_/);
    expect(res.body.slug).toMatch(/^creme-brulee-tee(-\d+)?$/);
    expect(res.headers.get("etag")).toBe('W/"1"');
    expect(await auditOf(res.body.id)).toMatchObject([{ action: "product.created" }]);
    expect(await eventsOf(res.body.id)).toEqual([]); // drafts are nobody's business yet
  });

  it("accepts valid EAN-13, UPC-A, EAN-8 and plain barcodes", async () => {
    for (const barcode of [randomEan13(), "036000291452", "96385074", unique("CODE128").toUpperCase()]) {
      const res = await call<ProductResponse>("POST", "/v1/products", {
        token: admin.token,
        body: { sku: unique("SKU"), name: "Barcoded", barcode },
      });
      if (res.status === 409) continue; // a fixed test code already taken by an earlier run
      expect(res.status, `${barcode}: ${res.text}`).toBe(201);
      expect(res.body.barcode).toBe(barcode);
    }
  });

  it("refuses invalid fields with a 400 naming each", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "No sku" }, "sku"],
      [{ sku: "S", name: "" }, "name"],
      [{ sku: "ÜBER-1", name: "x" }, "sku"],
      [{ sku: "a\tb", name: "x" }, "sku"],
      [{ sku: "S", name: "x", price: -1 }, "price"],
      [{ sku: "S", name: "x", price: 19.99 }, "price"],
      [{ sku: "S", name: "x", price: "1999" }, "price"],
      [{ sku: "S", name: "x", barcode: "4006381333932" }, "barcode"],
      [{ sku: "S", name: "x", barcode: "036000291453" }, "barcode"],
      [{ sku: "S", name: "x", barcode: "96385075" }, "barcode"],
      [{ sku: "S", name: "x", barcode: "has space" }, "barcode"],
      [{ sku: "S", name: "x", attributes: { nested: { a: 1 } } }, "attributes.nested"],
      [{ sku: "S", name: "x", attributes: { "bad key!": 1 } }, "attributes.bad key!"],
      [
        { sku: "S", name: "x", attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
        "attributes",
      ],
      [
        {
          sku: "S",
          name: "x",
          attributes: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "v".repeat(450)])),
        },
        "attributes",
      ],
      [{ sku: "S", name: "x", low_stock_threshold: -5 }, "low_stock_threshold"],
      [{ sku: "S", name: "x", status: "published" }, "status"],
      [{ sku: "S", name: "x", slug: "Bad Slug" }, "slug"],
    ];
    for (const [body, path] of cases) {
      const res = await call<Problem>("POST", "/v1/products", { token: admin.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(
        res.body.errors?.map((e) => e.path),
        JSON.stringify(body).slice(0, 80),
      ).toContain(path);
    }
  });

  it("names the expected check digit of a bad EAN", async () => {
    const res = await call<Problem>("POST", "/v1/products", {
      token: admin.token,
      body: { sku: "S", name: "x", barcode: "4006381333932" },
    });
    expect(res.body.errors?.[0]?.message).toBe("Invalid EAN-13 check digit (expected 1)");
  });

  it("requires compare_at_price above price", async () => {
    const res = await call<Problem>("POST", "/v1/products", {
      token: admin.token,
      body: { sku: unique("S"), name: "x", price: 1000, compare_at_price: 1000 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.path).toBe("compare_at_price");
  });

  it("refuses an unknown category", async () => {
    const res = await call<Problem>("POST", "/v1/products", {
      token: admin.token,
      body: { sku: unique("S"), name: "x", category_id: "cat_nope" },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.path).toBe("category_id");
  });

  it("gives concurrent products of one name distinct generated slugs", async () => {
    const name = `Twin ${unique()}`;
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        call<ProductResponse>("POST", "/v1/products", { token: admin.token, body: { sku: unique("S"), name } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.slug)).size).toBe(4);
  });

  it("keeps SKU, slug and barcode unique; UPC-A and EAN-13 of one GTIN clash", async () => {
    const first = await createProduct(admin.token, { barcode: randomEan13("0") });
    const upc = first.barcode?.slice(1) as string;
    const clashes: [string, Record<string, unknown>][] = [
      ["SKU", { sku: first.sku }],
      ["slug", { slug: first.slug }],
      ["barcode", { barcode: first.barcode }],
      ["barcode", { barcode: upc }],
      ["barcode", { barcode: `0${first.barcode}` }],
    ];
    for (const [what, body] of clashes) {
      const res = await call<Problem & { detail: string }>("POST", "/v1/products", {
        token: admin.token,
        body: { sku: unique("S"), name: "Clash", ...body },
      });
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.detail).toContain(what);
    }
  });
});

describe("products: read", () => {
  it("reads a product with its ETag, and 404s an unknown one", async () => {
    const product = await createProduct(admin.token);
    const res = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    // The write's response does not read stock (null); a read shows the projection's figure.
    expect(res.body).toEqual({ ...product, available: 0, in_stock: false });
    expect(res.headers.get("etag")).toBe('W/"1"');
    expect((await call("GET", "/v1/products/prd_nope", { token: admin.token })).status).toBe(404);
  });

  it("finds a product by a scanned barcode in any GTIN form", async () => {
    const ean = randomEan13("0");
    const product = await createProduct(admin.token, { barcode: ean });
    for (const scanned of [ean, ean.slice(1), `0${ean}`]) {
      const res = await call<ProductResponse>("GET", `/v1/products/by-barcode/${scanned}`, { token: admin.token });
      expect(res.status, scanned).toBe(200);
      expect(res.body.id).toBe(product.id);
    }
    const plain = await createProduct(admin.token, { barcode: unique("INT").toUpperCase() });
    const byPlain = await call<ProductResponse>("GET", `/v1/products/by-barcode/${plain.barcode}`, {
      token: admin.token,
    });
    expect(byPlain.body.id).toBe(plain.id);
    expect((await call("GET", "/v1/products/by-barcode/0000000000000", { token: admin.token })).status).toBe(404);
  });
});

describe("products: update", () => {
  it("applies changes, bumps the version and audits before and after", async () => {
    const product = await createProduct(admin.token);
    const category = await createCategory(admin.token);
    const res = await call<ProductResponse>("PATCH", `/v1/products/${product.id}`, {
      token: admin.token,
      headers: { "if-match": 'W/"1"' },
      body: {
        name: "Renamed",
        description: "Soft cotton.",
        price: 1500,
        compare_at_price: 2000,
        category_id: category.id,
        attributes: { fit: "slim" },
        low_stock_threshold: 4,
        barcode: null,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "Renamed",
      slug: product.slug, // slugs stay put when names change: URLs must not break
      description: "Soft cotton.",
      price: 1500,
      compare_at_price: 2000,
      category_id: category.id,
      attributes: { fit: "slim" },
      low_stock_threshold: 4,
      version: 2,
    });
    expect(res.headers.get("etag")).toBe('W/"2"');
    const audit = await auditOf(product.id);
    expect(audit.at(-1)).toMatchObject({
      action: "product.updated",
      before: { name: product.name, version: 1 },
      after: { name: "Renamed", version: 2 },
    });
    expect(await eventsOf(product.id)).toEqual([]); // still a draft
  });

  it("treats a PATCH that changes nothing as a no-op", async () => {
    const product = await createProduct(admin.token);
    const res = await call<ProductResponse>("PATCH", `/v1/products/${product.id}`, {
      token: admin.token,
      body: { name: product.name, price: product.price },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
  });

  it("answers 412 for a stale If-Match and changes nothing", async () => {
    const product = await createProduct(admin.token);
    const res = await call<Problem>("PATCH", `/v1/products/${product.id}`, {
      token: admin.token,
      headers: { "if-match": 'W/"2"' },
      body: { name: "Stale" },
    });
    expect(res.status).toBe(412);
    expect(res.body.code).toBe("PRECONDITION_FAILED");
    const current = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(current.body).toMatchObject({ name: product.name, version: 1 });
  });

  it("emits product.updated with the new snapshot when a published product changes", async () => {
    const product = await publishedProduct(admin.token);
    const res = await call<ProductResponse>("PATCH", `/v1/products/${product.id}`, {
      token: admin.token,
      body: { price: 999 },
    });
    expect(res.status).toBe(200);
    const events = await eventsOf(product.id);
    expect(events.map((e) => e.type)).toEqual(["product.published", "product.updated"]);
    expect(events[1]?.data).toMatchObject({ id: product.id, price: 999, version: product.version + 1 });
  });

  it("refuses to clear the price of a published product", async () => {
    const product = await publishedProduct(admin.token);
    const res = await call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { price: null } });
    expect(res.status).toBe(409);
  });

  it("checks compare_at_price against the price it will have", async () => {
    const product = await createProduct(admin.token, { price: 1000, compare_at_price: 1500 });
    const res = await call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { price: 1600 } });
    expect(res.status).toBe(400);
  });

  it("refuses a SKU another product has", async () => {
    const one = await createProduct(admin.token);
    const two = await createProduct(admin.token);
    const res = await call("PATCH", `/v1/products/${two.id}`, { token: admin.token, body: { sku: one.sku } });
    expect(res.status).toBe(409);
  });

  it("404s an unknown product", async () => {
    const res = await call("PATCH", "/v1/products/prd_nope", { token: admin.token, body: { name: "x" } });
    expect(res.status).toBe(404);
  });
});

describe("products: If-Match race", () => {
  it("lets exactly one of two concurrent PATCHes of the same version win", async () => {
    const product = await createProduct(admin.token);
    const patch = (name: string) =>
      call<ProductResponse>("PATCH", `/v1/products/${product.id}`, {
        token: admin.token,
        headers: { "if-match": 'W/"1"' },
        body: { name },
      });
    const results = await Promise.all([patch("Left"), patch("Right")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)?.body;
    const current = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(current.body).toMatchObject({ name: winner?.name, version: 2 });
    expect((await auditOf(product.id)).filter((a) => a.action === "product.updated")).toHaveLength(1);
  });

  it("applies both of two concurrent PATCHes without If-Match, one after the other", async () => {
    const product = await createProduct(admin.token);
    const results = await Promise.all([
      call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { name: "Both" } }),
      call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { price: 4242 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const current = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(current.body).toMatchObject({ name: "Both", price: 4242, version: 3 });
  });
});

describe("products: delete", () => {
  it("deletes a draft that was never published", async () => {
    const product = await createProduct(admin.token);
    const res = await call("DELETE", `/v1/products/${product.id}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect((await call("GET", `/v1/products/${product.id}`, { token: admin.token })).status).toBe(404);
    expect((await auditOf(product.id)).at(-1)?.action).toBe("product.deleted");
  });

  it("refuses published, once-published, archived and ordered products", async () => {
    const published = await publishedProduct(admin.token);
    const unpublished = await publishedProduct(admin.token);
    await transition(admin.token, unpublished.id, "unpublish");
    const archived = await createProduct(admin.token);
    await transition(admin.token, archived.id, "archive");
    const ordered = await createProduct(admin.token);
    // The orders module sets first_ordered_at when an order line first names a product.
    await db.update(products).set({ firstOrderedAt: new Date().toISOString() }).where(eq(products.id, ordered.id));
    for (const product of [published, unpublished, archived, ordered]) {
      const res = await call<{ detail: string }>("DELETE", `/v1/products/${product.id}`, { token: admin.token });
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain("archive it instead");
      expect((await call("GET", `/v1/products/${product.id}`, { token: admin.token })).status).toBe(200);
    }
  });

  it("honours If-Match on delete", async () => {
    const product = await createProduct(admin.token);
    const res = await call("DELETE", `/v1/products/${product.id}`, {
      token: admin.token,
      headers: { "if-match": 'W/"5"' },
    });
    expect(res.status).toBe(412);
  });
});
