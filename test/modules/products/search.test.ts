import { beforeAll, describe, expect, it } from "vitest";
import { runBatch, type Statement } from "../../../src/db/batch";
import { products } from "../../../src/db/schema";
import { barcodeKey, gs1CheckDigit } from "../../../src/modules/products/barcode";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { ftsQuery } from "../../../src/modules/products/search";
import { type SignedIn, signInAs } from "../../support/auth";
import { createProduct, db } from "../../support/catalog";
import { call } from "../../support/http";

/*
 * Search over a seeded set of 1,000 products, inserted through drizzle in one D1 batch
 * (the FTS5 triggers index them as they land). Every seeded name carries a token unique
 * to this run, so other tests' products never disturb the counts.
 */

const COUNT = 1000;
const ROWS_PER_INSERT = 4; // D1 binds at most 100 parameters per statement
const ADJECTIVES = ["red", "blue", "green", "amber", "violet", "silver", "golden", "ivory", "coral", "olive"];

type Page = { data: ProductResponse[]; next_cursor: string | null };

let admin: SignedIn;
const run = `r${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
const seeded: { name: string; sku: string; barcode: string }[] = [];

function ean13(body12: string): string {
  return `${body12}${gs1CheckDigit(body12)}`;
}

beforeAll(async () => {
  admin = await signInAs("admin");
  const runDigits = String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  const now = new Date().toISOString();
  const rows = Array.from({ length: COUNT }, (_, i) => {
    const name = i === 537 ? `Lighthouse Lamp ${run}` : `Item ${run} ${ADJECTIVES[i % 10]} ${i}`;
    const sku = `${run.toUpperCase()}-${String(i).padStart(4, "0")}`;
    const barcode = ean13(`2${runDigits}${String(i).padStart(4, "0")}`);
    seeded.push({ name, sku, barcode });
    return {
      id: `prd_${run}${String(i).padStart(4, "0")}`,
      sku,
      barcode,
      barcodeKey: barcodeKey(barcode),
      name,
      slug: `${run}-${i}`,
      description: i % 4 === 0 ? "Waterproof, with a crème finish." : "Everyday use.",
      price: 100 + (i % 50) * 10,
      attributes: {},
      status: i % 2 === 0 ? ("published" as const) : ("draft" as const),
      publishedAt: i % 2 === 0 ? now : null,
      firstPublishedAt: i % 2 === 0 ? now : null,
      createdAt: now,
      updatedAt: now,
    };
  });
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    statements.push(db.insert(products).values(rows.slice(i, i + ROWS_PER_INSERT)));
  }
  await runBatch(db, statements);
});

async function search(q: string, extra = ""): Promise<Page> {
  const res = await call<Page>("GET", `/v1/products?q=${encodeURIComponent(q)}&limit=200${extra}`, {
    token: admin.token,
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function countAll(q: string, extra = ""): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page = await search(q, `${extra}${cursor ? `&cursor=${cursor}` : ""}`);
    total += page.data.length;
    cursor = page.next_cursor;
  } while (cursor);
  return total;
}

describe("product search (FTS5) over 1,000 seeded products", () => {
  it("finds a product by a word of its name, and by a prefix of it", async () => {
    for (const q of [`lighthouse ${run}`, `LIGHTHO ${run}`, `lamp lighthouse ${run}`]) {
      const page = await search(q);
      expect(
        page.data.map((p) => p.name),
        q,
      ).toEqual([seeded[537]?.name]);
    }
  });

  it("finds a product by its SKU, exactly, whatever the case", async () => {
    const { sku } = seeded[421] as { sku: string };
    for (const q of [sku, sku.toLowerCase()]) {
      const page = await search(q);
      expect(
        page.data.map((p) => p.sku),
        q,
      ).toEqual([sku]);
    }
  });

  it("finds a product by its barcode, and by a scanned prefix of it", async () => {
    const { barcode } = seeded[777] as { barcode: string };
    expect((await search(barcode)).data.map((p) => p.barcode)).toEqual([barcode]);
    const prefix = await search(barcode.slice(0, 12));
    expect(prefix.data.map((p) => p.barcode)).toContain(barcode);
  });

  it("matches every word (AND), searches descriptions and ignores accents", async () => {
    expect(await countAll(`${run} waterproof`)).toBe(COUNT / 4);
    expect(await countAll(`${run} creme`)).toBe(COUNT / 4);
    expect(await countAll(`${run} violet`)).toBe(COUNT / 10);
    expect(await countAll(`${run} zebra`)).toBe(0);
  });

  it("pages through all 1,000 hits by relevance without repeats", async () => {
    const ids = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await search(run, cursor ? `&cursor=${cursor}` : "");
      for (const p of page.data) ids.add(p.id);
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(ids.size).toBe(COUNT);
    expect(pages).toBe(COUNT / 200);
  });

  it("ranks a name hit above a description-only hit", async () => {
    const word = `w${crypto.randomUUID().slice(0, 8)}`;
    const inDescription = await createProduct(admin.token, { name: `Plain ${run}`, description: `mentions ${word}` });
    const inName = await createProduct(admin.token, { name: `Special ${word}` });
    const page = await search(word);
    expect(page.data.map((p) => p.id)).toEqual([inName.id, inDescription.id]);
  });

  it("combines search with filters and other sorts", async () => {
    const published = await countAll(run, "&status=published");
    expect(published).toBe(COUNT / 2);
    const cheapest = await search(run, "&sort=price&order=asc");
    expect(cheapest.data.slice(0, 20).every((p) => p.price === 100)).toBe(true);
    expect(cheapest.data.map((p) => p.price)).toEqual(
      cheapest.data.map((p) => p.price).sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
  });

  it("keeps the index in step with edits and deletions", async () => {
    const product = await createProduct(admin.token, { name: `Before ${run}x` });
    expect((await search(`before ${run}x`)).data.map((p) => p.id)).toEqual([product.id]);
    await call("PATCH", `/v1/products/${product.id}`, { token: admin.token, body: { name: `After ${run}x` } });
    expect((await search(`before ${run}x`)).data).toEqual([]);
    expect((await search(`after ${run}x`)).data.map((p) => p.id)).toEqual([product.id]);
    await call("DELETE", `/v1/products/${product.id}`, { token: admin.token });
    expect((await search(`after ${run}x`)).data).toEqual([]);
  });

  it("treats search syntax and control characters as plain text", async () => {
    for (const q of ['"unbalanced', "NEAR(a b)", "a OR b", "col:value", "*", "-", "^start", "a\u0000b", "lamp\u0000"]) {
      const res = await call("GET", `/v1/products?q=${encodeURIComponent(q)}`, { token: admin.token });
      expect(res.status, q).toBe(200);
    }
  });
});

describe("ftsQuery", () => {
  it("quotes each word as a prefix phrase and drops what cannot match", () => {
    expect(ftsQuery("red  shoe")).toBe('"red"* "shoe"*');
    expect(ftsQuery('ABC-123 say "hi"')).toBe('"ABC-123"* "say"* """hi"""*');
    expect(ftsQuery("- * ~")).toBeNull();
    expect(ftsQuery("lamp\u0000shade\u0007")).toBe('"lamp"* "shade"*');
    expect(ftsQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "))?.split(" ")).toHaveLength(10);
  });
});
