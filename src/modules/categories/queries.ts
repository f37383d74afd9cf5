/*
 * Reads of the category tree, for the staff API, the storefront and the modules that
 * need to know whether a category exists.
 */
import { and, asc, eq, gt, isNull, or, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { inList, selectInPieces } from "../../db/lists";
import { categories } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { decodeCursor, toPage } from "../../lib/pagination";
import { toCategoryResponse } from "./schemas";

export type CategoryRow = typeof categories.$inferSelect;

export async function loadCategory(db: Database, id: string): Promise<CategoryRow> {
  const [row] = await db.select().from(categories).where(eq(categories.id, id)).limit(1);
  if (!row) throw notFound("Category");
  return row;
}

export async function categoryExists(db: Database, id: string): Promise<boolean> {
  const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, id)).limit(1);
  return row !== undefined;
}

/** Which of these category ids exist. */
export async function existingCategoryIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectInPieces(ids, (piece) =>
    db.select({ id: categories.id }).from(categories).where(inList(categories.id, piece)),
  );
  return new Set(rows.map((row) => row.id));
}

export async function listCategories(
  db: Database,
  filter: { limit: number; cursor?: string | undefined; parent_id?: string | undefined; roots_only: boolean },
) {
  const where: (SQL | undefined)[] = [];
  if (filter.parent_id) where.push(eq(categories.parentId, filter.parent_id));
  if (filter.roots_only) where.push(isNull(categories.parentId));
  if (filter.cursor) {
    const [position, id] = decodeCursor(filter.cursor, 2);
    where.push(
      or(
        gt(categories.position, Number(position)),
        and(eq(categories.position, Number(position)), gt(categories.id, String(id))),
      ),
    );
  }
  const rows = await db
    .select()
    .from(categories)
    .where(and(...where))
    .orderBy(asc(categories.position), asc(categories.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.position, r.id], toCategoryResponse);
}

/** Every category, for the storefront tree. */
export async function allCategories(db: Database): Promise<CategoryRow[]> {
  return db.select().from(categories).orderBy(asc(categories.position), asc(categories.name), asc(categories.id));
}

export async function categoryIdBySlug(db: Database, slug: string): Promise<string | null> {
  const [row] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.slug, slug.toLowerCase()))
    .limit(1);
  return row?.id ?? null;
}
