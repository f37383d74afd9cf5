/*
 * Product lists for staff and storefront: filters, full-text search and keyset
 * pagination. Every sort ends with the product id, so the order is total and a cursor
 * (the last row's sort value and id) resumes exactly where the page ended, even when
 * many products share a price or a name. The cursor also names its sort, so it is
 * refused with another one. Search goes through the FTS5 index `products_fts`,
 * never a LIKE scan; `relevance` orders by bm25 with name hits weighted highest.
 */
import { and, asc, desc, eq, getTableColumns, gte, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type ProductStatus, products } from "../../db/schema";
import { badRequest } from "../../lib/errors";
import { type CursorKey, decodeCursor, encodeCursor } from "../../lib/pagination";
import { categorySubtree } from "../categories";
import { lowStockCondition } from "../stock";
import type { SortField } from "./schemas";
import type { ProductRow } from "./view";

export interface ProductSearch {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
  category_id?: string | undefined;
  include_descendants: boolean;
  min_price?: number | undefined;
  max_price?: number | undefined;
  sort?: SortField | undefined;
  order?: "asc" | "desc" | undefined;
  status?: ProductStatus | undefined;
  updated_since?: string | undefined;
  low_stock?: boolean | undefined;
}

const MAX_SEARCH_TERMS = 10;

/**
 * The FTS5 query for what a person typed: each word becomes a quoted phrase (so
 * `ABC-123` matches the tokens `abc` `123` in order and no FTS syntax leaks through)
 * matched as a prefix, and all words must match. Null when nothing is searchable.
 */
export function ftsQuery(text: string): string | null {
  // Control characters separate words too: SQLite ends a string at NUL, so one inside a phrase breaks the query.
  const words = text
    .split(/[\s\p{Cc}]+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_SEARCH_TERMS);
  if (words.length === 0) return null;
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(" ");
}

// bm25 weights per column: name, sku, barcode, description.
const RANK = sql<number>`bm25(products_fts, 10.0, 6.0, 6.0, 1.0)`;

function sortExpression(sort: SortField): SQL {
  switch (sort) {
    case "name":
      return sql`${products.name} COLLATE NOCASE`;
    case "price":
      // Drafts may have no price yet; they sort as if priced below everything.
      return sql`coalesce(${products.price}, -1)`;
    case "created_at":
      return sql`${products.createdAt}`;
    case "updated_at":
      return sql`${products.updatedAt}`;
    case "relevance":
      return sql`hits.rank`;
  }
}

function sortValue(sort: SortField, row: ProductRow & { rank: number | null }): string | number {
  switch (sort) {
    case "name":
      return row.name;
    case "price":
      return row.price ?? -1;
    case "created_at":
      return row.createdAt;
    case "updated_at":
      return row.updatedAt;
    case "relevance":
      return row.rank ?? 0;
  }
}

function afterCursor(expression: SQL, order: "asc" | "desc", value: string | number, id: string): SQL {
  const beyond = order === "asc" ? sql`>` : sql`<`;
  return sql`(${expression} ${beyond} ${value} OR (${expression} = ${value} AND ${products.id} ${beyond} ${id}))`;
}

export interface ProductSearchPage {
  rows: ProductRow[];
  nextCursor: string | null;
}

export async function searchProducts(db: Database, search: ProductSearch): Promise<ProductSearchPage> {
  if (search.min_price !== undefined && search.max_price !== undefined && search.min_price > search.max_price) {
    throw badRequest("min_price is above max_price.", [{ path: "min_price", message: "Must not exceed max_price" }]);
  }
  const q = search.q ? ftsQuery(search.q) : null;
  if (search.q && q === null) return { rows: [], nextCursor: null };
  const sort: SortField = search.sort ?? (q ? "relevance" : "created_at");
  if (sort === "relevance" && !q) {
    throw badRequest("Sorting by relevance needs a search query.", [{ path: "sort", message: "Needs q" }]);
  }
  const order = sort === "relevance" ? "asc" : (search.order ?? (sort.endsWith("_at") ? "desc" : "asc"));
  const expression = sortExpression(sort);

  const where: (SQL | undefined)[] = [];
  if (search.status) where.push(eq(products.status, search.status));
  if (search.category_id) {
    where.push(
      search.include_descendants
        ? sql`${products.categoryId} IN ${categorySubtree(search.category_id)}`
        : eq(products.categoryId, search.category_id),
    );
  }
  if (search.min_price !== undefined) where.push(gte(products.price, search.min_price));
  if (search.max_price !== undefined) where.push(lte(products.price, search.max_price));
  if (search.updated_since) where.push(gte(products.updatedAt, new Date(search.updated_since).toISOString()));
  if (search.low_stock !== undefined) {
    const low = lowStockCondition(products.id, products.lowStockThreshold);
    where.push(search.low_stock ? low : sql`NOT ${low}`);
  }
  if (search.cursor) {
    const [cursorSort, cursorOrder, value, id] = decodeCursor(search.cursor, 4);
    const valueType = sort === "price" || sort === "relevance" ? "number" : "string";
    if (cursorSort !== sort || cursorOrder !== order || typeof value !== valueType || typeof id !== "string") {
      throw badRequest("The cursor belongs to another sort order.", [{ path: "cursor", message: "Invalid cursor" }]);
    }
    where.push(afterCursor(expression, order, value as string | number, id));
  }

  const direction = order === "asc" ? asc : desc;
  const columns = { ...getTableColumns(products), rank: q ? sql<number>`hits.rank` : sql<null>`NULL` };
  const base = db.select(columns).from(products);
  const query = q
    ? base.innerJoin(
        sql`(SELECT rowid AS seq, ${RANK} AS rank FROM products_fts WHERE products_fts MATCH ${q}) AS hits`,
        sql`hits.seq = ${products.seq}`,
      )
    : base;
  const rows = await query
    .where(and(...where))
    .orderBy(direction(expression), direction(products.id))
    .limit(search.limit + 1);

  const kept = rows.slice(0, search.limit);
  const last = kept.at(-1);
  const key: CursorKey | null = last ? [sort, order, sortValue(sort, last), last.id] : null;
  return {
    rows: kept.map(({ rank: _rank, ...row }) => row),
    nextCursor: rows.length > search.limit && key ? encodeCursor(key) : null,
  };
}
