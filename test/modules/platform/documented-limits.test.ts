import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { insertRows } from "../../../src/db/lists";
import { products, reviews, users } from "../../../src/db/schema";
import { newId } from "../../../src/lib/ids";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { key, stockedProduct } from "../../support/orders";

/*
 * D1 refuses statements with more than 100 bound parameters and LIKE patterns over 50
 * bytes, limits small tests never reach. This walks the live OpenAPI document: every
 * GET operation is called with each list parameter at its documented maximum (limit at
 * its maximum, repeated parameters at their maximum count) against tables holding more
 * rows than that, and again with every string filter at its maximum length; none may
 * answer 5xx. The batch bodies are driven at their maxima below.
 */

interface Schema {
  type?: string;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Spec {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
}

/** Repeated query parameters that name no maximum in the document are capped at 100 in their descriptions. */
const DEFAULT_MAX_ITEMS = 100;
const ROWS = 220;

let admin: SignedIn;
let productIds: string[];
const ids: Record<string, string> = {};

async function seed() {
  const db = createDb(env.DB);
  const now = new Date().toISOString();
  const customers = Array.from({ length: ROWS }, (_, i) => ({
    id: newId("usr"),
    email: `limits-${i}-${crypto.randomUUID().slice(0, 8)}@example.com`,
    name: `Limits ${i}`,
    passwordHash: "x",
    role: "customer" as const,
    createdAt: now,
    updatedAt: now,
  }));
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const id = newId("prd");
    return {
      id,
      sku: `LIM-${id.slice(-12)}`,
      name: `Limits product ${i}`,
      slug: `limits-${id.slice(-12)}`,
      description: "",
      price: 100 + i,
      attributes: {},
      status: "published" as const,
      publishedAt: now,
      firstPublishedAt: now,
      createdAt: now,
      updatedAt: now,
    };
  });
  const first = rows[0]?.id ?? "";
  const writes = [
    ...insertRows(db, users, customers),
    ...insertRows(db, products, rows),
    ...insertRows(
      db,
      reviews,
      customers.map((c) => ({
        id: newId("rev"),
        productId: first,
        authorId: c.id,
        authorName: "Limits",
        rating: 5,
        title: "Fine",
        status: "approved" as const,
        createdAt: now,
        updatedAt: now,
      })),
    ),
  ];
  const [head, ...tail] = writes;
  if (head) await db.batch([head, ...tail]);
  productIds = rows.map((r) => r.id);
  Object.assign(ids, { products: first, customers: customers[0]?.id ?? "", users: customers[0]?.id ?? "" });
}

/** `/v1/products/{id}/reviews` → a path naming a real row where the segment before a parameter is known. */
function concretePath(path: string): string {
  return path.replace(
    /\/([^/{}]+)\/\{[^}]+\}/g,
    (_, collection: string) => `/${collection}/${ids[collection] ?? "zzz_0"}`,
  );
}

function arrayOf(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.type === "array") return schema;
  return schema.anyOf?.find((s) => s.type === "array");
}

function atMaximum(params: Parameter[]): URLSearchParams {
  const query = new URLSearchParams();
  for (const p of params) {
    const list = arrayOf(p.schema);
    if (list) {
      const count = list.maxItems ?? DEFAULT_MAX_ITEMS;
      for (const id of productIds.slice(0, count)) query.append(p.name, id);
    } else if ((p.schema?.type === "integer" || p.schema?.type === "number") && p.schema.maximum !== undefined) {
      query.set(p.name, String(p.schema.maximum));
    }
  }
  return query;
}

function longStrings(params: Parameter[]): [string, URLSearchParams][] {
  return params
    .filter((p) => p.schema?.type === "string" && p.schema.maxLength !== undefined && !p.schema.enum)
    .filter((p) => p.name !== "cursor")
    .map((p) => [p.name, new URLSearchParams({ [p.name]: "a".repeat(p.schema?.maxLength ?? 0) })]);
}

let spec: Spec;
beforeAll(async () => {
  admin = await signInAs("admin");
  await seed();
  spec = (await call<Spec>("GET", "/openapi.json")).body;
});

describe("every list route at its documented maximum", () => {
  it("no GET answers 5xx with lists at their maximum or string filters at their maximum length", async () => {
    const failures: string[] = [];
    let calls = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      const op = item.get;
      if (!op || path === "/v1/stream") continue;
      const params = (op.parameters ?? []).filter((p) => p.in === "query");
      const target = concretePath(path);
      for (const [label, query] of [["maxima", atMaximum(params)] as const, ...longStrings(params)]) {
        const res = await call("GET", `${target}?${query}`, { token: admin.token });
        calls++;
        if (res.status >= 500) failures.push(`GET ${target} (${label}) → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(40);
  });

  it("lists rows up to the maximum page where the table holds more", async () => {
    for (const path of ["/v1/customers?limit=200", "/v1/users?limit=100&role=customer"]) {
      const res = await call<{ data: unknown[] }>("GET", path, { token: admin.token });
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      expect(res.body.data.length).toBe(Number(new URLSearchParams(path.split("?")[1]).get("limit")));
    }
    const inventory = await call<{ data: unknown[] }>(
      "GET",
      `/v1/inventory?limit=100&${productIds
        .slice(0, 100)
        .map((id) => `product_id=${id}`)
        .join("&")}`,
      { token: admin.token },
    );
    expect(inventory.status, inventory.text).toBe(200);
    expect(inventory.body.data).toHaveLength(100);
  });

  it("filters emails by a prefix longer than a LIKE pattern may be, exactly", async () => {
    const email = `${"a".repeat(60)}.${crypto.randomUUID().slice(0, 6)}@example.com`;
    await signInAs("customer", email);
    for (const route of ["/v1/customers", "/v1/users"]) {
      const hit = await call<{ data: { email: string }[] }>("GET", `${route}?email=${email.slice(0, 70)}`, {
        token: admin.token,
      });
      expect(hit.status, hit.text).toBe(200);
      expect(hit.body.data.map((u) => u.email)).toEqual([email]);
      const miss = await call<{ data: unknown[] }>("GET", `${route}?email=${"a".repeat(59)}_`, { token: admin.token });
      expect(miss.body.data).toEqual([]);
    }
  });
});

describe("every batch at its documented maximum", () => {
  it("adjusts 500 lines in one batch, checks and reads availability of 100 products", async () => {
    const stocked = await Promise.all(Array.from({ length: 10 }, () => stockedProduct(1)));
    const lines = Array.from({ length: 500 }, (_, i) => ({
      product_id: stocked[i % stocked.length]?.id ?? "",
      delta: 1,
      reason: "received",
    }));
    const batch = await call<{ applied: number }>("POST", "/v1/inventory/adjustments:batch", {
      token: admin.token,
      headers: { "idempotency-key": key() },
      body: { lines },
    });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.applied).toBe(500);
    const check = await call("POST", "/v1/inventory/check", {
      token: admin.token,
      body: { lines: productIds.slice(0, 100).map((id) => ({ product_id: id, qty: 1 })) },
    });
    expect(check.status, check.text).toBe(200);
    const available = await call(
      "GET",
      `/v1/inventory/available?${productIds
        .slice(0, 100)
        .map((id) => `product_id=${id}`)
        .join("&")}`,
      {
        token: admin.token,
      },
    );
    expect(available.status, available.text).toBe(200);
  });

  it("creates products and categories whose generated slug is long, and numbers repeats", async () => {
    const name = "Hand-thrown stoneware coffee mug with speckled glaze, 350 ml, in the large size for two";
    for (const sku of ["LONG-1", "LONG-2"]) {
      const res = await call<{ slug: string }>("POST", "/v1/products", {
        token: admin.token,
        body: { sku, name, price: 2400 },
      });
      expect(res.status, res.text).toBe(201);
    }
    const category = await call("POST", "/v1/categories", { token: admin.token, body: { name } });
    expect(category.status, category.text).toBe(201);
    const again = await call<{ slug: string }>("POST", "/v1/categories", { token: admin.token, body: { name } });
    expect(again.status, again.text).toBe(201);
    expect(again.body.slug).toMatch(/-2$/);
  });
});
