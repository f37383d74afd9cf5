import { beforeAll, describe, expect, it } from "vitest";
import type { CategoryResponse } from "../../../src/modules/categories/schemas";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { type SignedIn, signInAs } from "../../support/auth";
import { createCategory, createProduct, transition, unique } from "../../support/catalog";
import { call } from "../../support/http";

type Page = { data: ProductResponse[]; next_cursor: string | null };

let admin: SignedIn;
let parent: CategoryResponse;
let child: CategoryResponse;
let seeded: ProductResponse[];

/** Every product a query returns, walking all its pages. */
async function walk(query: string, limit = 2): Promise<ProductResponse[]> {
  const all: ProductResponse[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res: { status: number; body: Page; text: string } = await call(
      "GET",
      `/v1/products?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
      { token: admin.token },
    );
    expect(res.status, res.text).toBe(200);
    all.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return all;
  }
  throw new Error("too many pages");
}

beforeAll(async () => {
  admin = await signInAs("admin");
  parent = await createCategory(admin.token);
  child = await createCategory(admin.token, { parent_id: parent.id });
  // Ties on purpose: equal prices and names that differ only in case, so only the id
  // tie-break keeps the order total.
  const specs: [string, number | null, string][] = [
    ["banana", 500, parent.id],
    ["Apple", 500, parent.id],
    ["apple", 900, child.id],
    ["Cherry", null, child.id],
    ["date", 100, parent.id],
    ["Elderberry", 500, child.id],
    ["fig", 2500, parent.id],
  ];
  seeded = [];
  for (const [name, price, categoryId] of specs) {
    seeded.push(await createProduct(admin.token, { name, price, category_id: categoryId }));
  }
  for (const product of seeded.filter((p) => p.price !== null && p.price >= 500)) {
    const res = await transition(admin.token, product.id, "publish");
    seeded[seeded.findIndex((p) => p.id === product.id)] = res.body;
  }
});

function expectedOrder(sort: "name" | "price" | "created_at" | "updated_at", order: "asc" | "desc") {
  const value = (p: ProductResponse) =>
    sort === "name" ? p.name.toLowerCase() : sort === "price" ? (p.price ?? -1) : p[sort];
  const sign = order === "asc" ? 1 : -1;
  return [...seeded]
    .sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (x !== y) return (x < y ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((p) => p.id);
}

describe("product list: sort and cursor", () => {
  for (const sort of ["name", "price", "created_at", "updated_at"] as const) {
    for (const order of ["asc", "desc"] as const) {
      it(`walks every page by ${sort} ${order} without gaps or repeats`, async () => {
        const ids = (await walk(`category_id=${parent.id}&include_descendants=true&sort=${sort}&order=${order}`)).map(
          (p) => p.id,
        );
        expect(ids).toEqual(expectedOrder(sort, order));
      });
    }
  }

  it("defaults to newest first", async () => {
    const ids = (await walk(`category_id=${parent.id}&include_descendants=true`, 50)).map((p) => p.id);
    expect(ids).toEqual(expectedOrder("created_at", "desc"));
  });

  it("refuses a cursor made for another sort", async () => {
    const first = await call<Page>("GET", `/v1/products?category_id=${parent.id}&sort=name&limit=1`, {
      token: admin.token,
    });
    const res = await call("GET", `/v1/products?category_id=${parent.id}&sort=price&cursor=${first.body.next_cursor}`, {
      token: admin.token,
    });
    expect(res.status).toBe(400);
  });

  it("refuses garbage query parameters", async () => {
    for (const query of [
      "sort=colour",
      "order=up",
      "limit=0",
      "limit=201",
      "min_price=-1",
      "updated_since=yesterday",
    ]) {
      expect((await call("GET", `/v1/products?${query}`, { token: admin.token })).status, query).toBe(400);
    }
    const relevance = await call("GET", "/v1/products?sort=relevance", { token: admin.token });
    expect(relevance.status).toBe(400);
    const inverted = await call("GET", "/v1/products?min_price=10&max_price=5", { token: admin.token });
    expect(inverted.status).toBe(400);
  });
});

describe("product list: filters", () => {
  it("filters by category, with or without its descendants", async () => {
    const direct = await walk(`category_id=${parent.id}`, 50);
    expect(direct.every((p) => p.category_id === parent.id)).toBe(true);
    expect(direct).toHaveLength(seeded.filter((p) => p.category_id === parent.id).length);
    const deep = await walk(`category_id=${parent.id}&include_descendants=true`, 50);
    expect(deep).toHaveLength(seeded.length);
    const leaf = await walk(`category_id=${child.id}&include_descendants=true`, 50);
    expect(leaf.every((p) => p.category_id === child.id)).toBe(true);
  });

  it("filters by status", async () => {
    const base = `category_id=${parent.id}&include_descendants=true`;
    const published = await walk(`${base}&status=published`, 50);
    const drafts = await walk(`${base}&status=draft`, 50);
    expect(published.every((p) => p.status === "published")).toBe(true);
    expect(drafts.every((p) => p.status === "draft")).toBe(true);
    expect(published.length + drafts.length).toBe(seeded.length);
    expect(published.length).toBe(5);
  });

  it("filters by price range, inclusive, leaving unpriced drafts out", async () => {
    const inRange = await walk(`category_id=${parent.id}&include_descendants=true&min_price=500&max_price=900`, 50);
    expect(inRange.map((p) => p.price).sort()).toEqual([500, 500, 500, 900]);
    const cheap = await walk(`category_id=${parent.id}&include_descendants=true&max_price=100`, 50);
    expect(cheap.map((p) => p.name)).toEqual(["date"]);
  });

  it("filters by updated_since", async () => {
    const newest = [...seeded].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1))[0] as ProductResponse;
    const since = await walk(
      `category_id=${parent.id}&include_descendants=true&updated_since=${encodeURIComponent(newest.updated_at)}`,
      50,
    );
    expect(since.map((p) => p.id)).toContain(newest.id);
    expect(since.every((p) => p.updated_at >= newest.updated_at)).toBe(true);
    const future = await walk(`updated_since=${encodeURIComponent("2999-01-01T00:00:00+02:00")}`, 50);
    expect(future).toEqual([]);
  });

  it("lists images with each product", async () => {
    const page = await call<Page>("GET", `/v1/products?category_id=${parent.id}&limit=1`, { token: admin.token });
    expect(page.body.data[0]?.images).toEqual([]);
  });

  it("finds nothing for an unknown category", async () => {
    expect(await walk(`category_id=${unique("cat")}`, 50)).toEqual([]);
  });
});
