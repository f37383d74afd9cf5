import { beforeAll, describe, expect, it } from "vitest";
import type { CategoryResponse } from "../../../src/modules/categories/schemas";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { type SignedIn, signInAs } from "../../support/auth";
import { auditOf, createCategory, createProduct, unique } from "../../support/catalog";
import { call } from "../../support/http";

let admin: SignedIn;

beforeAll(async () => {
  admin = await signInAs("admin");
});

describe("categories: create and read", () => {
  it("creates a category with a slug generated from its name", async () => {
    const name = `Été Shoes & Boots ${unique()}`;
    const res = await call<CategoryResponse>("POST", "/v1/categories", { token: admin.token, body: { name } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, parent_id: null, position: 0, version: 1 });
    expect(res.body.slug).toMatch(/^ete-shoes-and-boots-x-[0-9a-f]{8}$/);
    expect(res.headers.get("location")).toBe(`/v1/categories/${res.body.id}`);
    expect(res.headers.get("etag")).toBe('W/"1"');
    const read = await call<CategoryResponse>("GET", `/v1/categories/${res.body.id}`, { token: admin.token });
    expect(read.body).toEqual(res.body);
    expect(await auditOf(res.body.id)).toMatchObject([{ action: "category.created" }]);
  });

  it("numbers generated slugs that are taken, and refuses a taken explicit slug", async () => {
    const name = `Hats ${unique()}`;
    const first = await createCategory(admin.token, { name });
    const second = await createCategory(admin.token, { name });
    const third = await createCategory(admin.token, { name });
    expect(second.slug).toBe(`${first.slug}-2`);
    expect(third.slug).toBe(`${first.slug}-3`);
    const clash = await call("POST", "/v1/categories", {
      token: admin.token,
      body: { name: "Other", slug: first.slug },
    });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: "CONFLICT" });
  });

  it("falls back to a generic slug for names without Latin letters or digits", async () => {
    const category = await createCategory(admin.token, { name: "日本語" });
    expect(category.slug).toMatch(/^category(-\d+)?$/);
  });

  it("refuses invalid input with field errors and creates nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "name"],
      [{ name: "  " }, "name"],
      [{ name: "x", slug: "Not A Slug!" }, "slug"],
      [{ name: "x", slug: "double--hyphen" }, "slug"],
      [{ name: "x", position: -1 }, "position"],
      [{ name: "x", position: 1.5 }, "position"],
      [{ name: "x", colour: "red" }, "colour"],
    ];
    for (const [body, path] of cases) {
      const res = await call<{ code: string; errors: { path: string }[] }>("POST", "/v1/categories", {
        token: admin.token,
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.errors.map((e) => e.path)).toContain(path);
    }
  });

  it("refuses an unknown parent", async () => {
    const res = await call("POST", "/v1/categories", {
      token: admin.token,
      body: { name: "Orphan", parent_id: "cat_doesnotexist" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [{ path: "parent_id" }] });
  });

  it("answers 404 for an unknown category", async () => {
    const res = await call("GET", "/v1/categories/cat_nope", { token: admin.token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("categories: list", () => {
  it("lists children by position, pages with a cursor, and filters roots", async () => {
    const parent = await createCategory(admin.token);
    const children = [];
    for (const position of [3, 1, 2, 1]) {
      children.push(await createCategory(admin.token, { parent_id: parent.id, position }));
    }
    const seen: CategoryResponse[] = [];
    let cursor: string | null = null;
    do {
      const query = `parent_id=${parent.id}&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const res: { status: number; body: { data: CategoryResponse[]; next_cursor: string | null } } = await call(
        "GET",
        `/v1/categories?${query}`,
        { token: admin.token },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen.map((c) => c.position)).toEqual([1, 1, 2, 3]);
    expect(new Set(seen.map((c) => c.id))).toEqual(new Set(children.map((c) => c.id)));

    const roots = await call<{ data: CategoryResponse[] }>("GET", "/v1/categories?roots_only=true&limit=200", {
      token: admin.token,
    });
    expect(roots.body.data.every((c) => c.parent_id === null)).toBe(true);
  });

  it("refuses a malformed cursor", async () => {
    const res = await call("GET", "/v1/categories?cursor=not-a-cursor", { token: admin.token });
    expect(res.status).toBe(400);
  });
});

describe("categories: update", () => {
  it("renames, re-slugs, moves and reorders, bumping the version", async () => {
    const parent = await createCategory(admin.token);
    const category = await createCategory(admin.token);
    const slug = unique("renamed");
    const res = await call<CategoryResponse>("PATCH", `/v1/categories/${category.id}`, {
      token: admin.token,
      headers: { "if-match": 'W/"1"' },
      body: { name: "Renamed", slug, parent_id: parent.id, position: 7 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed", slug, parent_id: parent.id, position: 7, version: 2 });
    expect(res.headers.get("etag")).toBe('W/"2"');
    const back = await call<CategoryResponse>("PATCH", `/v1/categories/${category.id}`, {
      token: admin.token,
      body: { parent_id: null },
    });
    expect(back.body).toMatchObject({ parent_id: null, version: 3 });
    expect((await auditOf(category.id)).map((a) => a.action)).toEqual([
      "category.created",
      "category.updated",
      "category.updated",
    ]);
  });

  it("treats a PATCH that changes nothing as a no-op", async () => {
    const category = await createCategory(admin.token);
    const res = await call<CategoryResponse>("PATCH", `/v1/categories/${category.id}`, {
      token: admin.token,
      body: { name: category.name },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
  });

  it("answers 412 for a stale If-Match and 400 for a malformed one", async () => {
    const category = await createCategory(admin.token);
    const stale = await call("PATCH", `/v1/categories/${category.id}`, {
      token: admin.token,
      headers: { "if-match": 'W/"9"' },
      body: { name: "Nope" },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "PRECONDITION_FAILED" });
    const malformed = await call("PATCH", `/v1/categories/${category.id}`, {
      token: admin.token,
      headers: { "if-match": "nine" },
      body: { name: "Nope" },
    });
    expect(malformed.status).toBe(400);
    const unchanged = await call<CategoryResponse>("GET", `/v1/categories/${category.id}`, { token: admin.token });
    expect(unchanged.body).toMatchObject({ name: category.name, version: 1 });
  });

  it("refuses to move a category under itself or its own descendant", async () => {
    const top = await createCategory(admin.token);
    const middle = await createCategory(admin.token, { parent_id: top.id });
    const leaf = await createCategory(admin.token, { parent_id: middle.id });
    for (const parent of [top.id, middle.id, leaf.id]) {
      const res = await call("PATCH", `/v1/categories/${top.id}`, { token: admin.token, body: { parent_id: parent } });
      expect(res.status, parent).toBe(409);
      expect(res.body).toMatchObject({ code: "CONFLICT" });
    }
    const unchanged = await call<CategoryResponse>("GET", `/v1/categories/${top.id}`, { token: admin.token });
    expect(unchanged.body).toMatchObject({ parent_id: null, version: 1 });
  });

  it("lets only one of two crossing moves land, so no cycle can form", async () => {
    const a = await createCategory(admin.token);
    const b = await createCategory(admin.token);
    const [ab, ba] = await Promise.all([
      call("PATCH", `/v1/categories/${a.id}`, { token: admin.token, body: { parent_id: b.id } }),
      call("PATCH", `/v1/categories/${b.id}`, { token: admin.token, body: { parent_id: a.id } }),
    ]);
    expect([ab.status, ba.status].sort()).toEqual([200, 409]);
  });

  it("refuses a slug another category has", async () => {
    const one = await createCategory(admin.token);
    const two = await createCategory(admin.token);
    const res = await call("PATCH", `/v1/categories/${two.id}`, { token: admin.token, body: { slug: one.slug } });
    expect(res.status).toBe(409);
  });
});

describe("categories: delete", () => {
  it("deletes an empty category", async () => {
    const category = await createCategory(admin.token);
    const res = await call("DELETE", `/v1/categories/${category.id}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect((await call("GET", `/v1/categories/${category.id}`, { token: admin.token })).status).toBe(404);
    expect((await auditOf(category.id)).at(-1)?.action).toBe("category.deleted");
  });

  it("refuses a category with subcategories", async () => {
    const parent = await createCategory(admin.token);
    await createCategory(admin.token, { parent_id: parent.id });
    const res = await call("DELETE", `/v1/categories/${parent.id}`, { token: admin.token });
    expect(res.status).toBe(409);
  });

  it("refuses a category with products unless reassign_to moves them", async () => {
    const category = await createCategory(admin.token);
    const target = await createCategory(admin.token);
    const product = await createProduct(admin.token, { category_id: category.id });
    const refused = await call("DELETE", `/v1/categories/${category.id}`, { token: admin.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "CONFLICT", product_count: 1 });

    const toSelf = await call("DELETE", `/v1/categories/${category.id}?reassign_to=${category.id}`, {
      token: admin.token,
    });
    expect(toSelf.status).toBe(400);
    const toNowhere = await call("DELETE", `/v1/categories/${category.id}?reassign_to=cat_nope`, {
      token: admin.token,
    });
    expect(toNowhere.status).toBe(400);

    const moved = await call("DELETE", `/v1/categories/${category.id}?reassign_to=${target.id}`, {
      token: admin.token,
    });
    expect(moved.status).toBe(204);
    const after = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(after.body).toMatchObject({ category_id: target.id, version: product.version + 1 });
  });
});
