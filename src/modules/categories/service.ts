/*
 * Categories form a tree: every category has a unique slug (generated from the name
 * unless given), an optional parent and a position among its siblings. A move that
 * would put a category under itself or its own descendant is refused, and the check
 * is repeated inside the write so two concurrent moves cannot build a cycle together.
 * A category with subcategories cannot be deleted; one with products only when
 * `reassign_to` names another category, and the products move there in the same
 * batch. Every write bumps the storefront generation, since the tree is public.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import { guard, isForeignKeyViolation, isUniqueViolation, retryOnRace, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { takenSlugs } from "../../db/lists";
import { categories } from "../../db/schema";
import { badRequest, conflict, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { generateSlug, insertWithSlug } from "../../lib/slug";
import { storefrontChanged } from "../../lib/storefront-stamps";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { type CategoryRow, categoryExists, loadCategory } from "./queries";
import { type CategoryResponse, toCategoryResponse } from "./schemas";

/** True when `parentId` is `id` or lies below it: the move would close a loop. */
function wouldCycle(id: string, parentId: string): SQL {
  return sql`EXISTS (
    WITH RECURSIVE chain(id) AS (
      SELECT ${parentId}
      UNION
      SELECT c.parent_id FROM categories c JOIN chain ON c.id = chain.id WHERE c.parent_id IS NOT NULL
    )
    SELECT 1 FROM chain WHERE chain.id = ${id})`;
}

async function requireParent(db: Database, parentId: string | null | undefined) {
  if (parentId && !(await categoryExists(db, parentId))) {
    throw badRequest("The parent category does not exist.", [{ path: "parent_id", message: "Unknown category" }]);
  }
}

function writeError(err: unknown): unknown {
  if (isUniqueViolation(err, categories, "categories_slug_unique"))
    return conflict("Another category already uses this slug.");
  if (isForeignKeyViolation(err)) return conflict("The parent category was deleted meanwhile; choose another.");
  return err;
}

export async function createCategory(
  db: Database,
  input: {
    name: string;
    slug?: string | undefined;
    parent_id?: string | null | undefined;
    position?: number | undefined;
  },
  meta: RequestMeta,
): Promise<CategoryResponse> {
  await requireParent(db, input.parent_id);
  const create = async (slug: string) => {
    const now = nowIso();
    const row: CategoryRow = {
      id: newId("cat"),
      name: input.name,
      slug,
      parentId: input.parent_id ?? null,
      position: input.position ?? 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const response = toCategoryResponse(row);
    await runBatch(db, [
      db.insert(categories).values(row),
      auditInsert(db, meta, { action: "category.created", entityType: "category", entityId: row.id, after: response }),
    ]);
    await storefrontChanged({});
    return response;
  };
  try {
    return await insertWithSlug(
      input.slug,
      () => generateSlug(input.name, "category", takenSlugs(db, categories, categories.slug)),
      (err) => isUniqueViolation(err, categories, "categories_slug_unique"),
      create,
    );
  } catch (err) {
    throw writeError(err);
  }
}

export async function updateCategory(
  db: Database,
  id: string,
  input: {
    name?: string | undefined;
    slug?: string | undefined;
    parent_id?: string | null | undefined;
    position?: number | undefined;
  },
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<CategoryResponse> {
  return retryOnRace(async () => {
    const current = await loadCategory(db, id);
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    const parentId = input.parent_id === undefined ? current.parentId : input.parent_id;
    const moving = parentId !== null && parentId !== current.parentId;
    if (moving) {
      await requireParent(db, parentId);
      const [cycle] = await db.all<{ hit: number }>(sql`SELECT ${wouldCycle(id, parentId)} AS hit`);
      if (cycle?.hit) throw conflict("A category cannot be moved under itself or one of its descendants.");
    }
    const next = {
      name: input.name ?? current.name,
      slug: input.slug ?? current.slug,
      parentId,
      position: input.position ?? current.position,
    };
    const unchanged = (Object.keys(next) as (keyof typeof next)[]).every((k) => next[k] === current[k]);
    if (unchanged) return toCategoryResponse(current);
    const after: CategoryRow = { ...current, ...next, version: current.version + 1, updatedAt: nowIso() };
    const still = and(
      eq(categories.id, id),
      eq(categories.version, current.version),
      moving ? sql`NOT ${wouldCycle(id, parentId)}` : undefined,
    );
    try {
      await runBatch(db, [
        guard(db, sql`EXISTS (SELECT 1 FROM categories WHERE ${still})`),
        db
          .update(categories)
          .set({ ...next, version: after.version, updatedAt: after.updatedAt })
          .where(still),
        auditInsert(db, meta, {
          action: "category.updated",
          entityType: "category",
          entityId: id,
          before: toCategoryResponse(current),
          after: toCategoryResponse(after),
        }),
      ]);
    } catch (err) {
      throw writeError(err);
    }
    await storefrontChanged({});
    return toCategoryResponse(after);
  });
}

/** What deleting a category needs of the products in it, which the products module owns. */
export interface CategoryProducts {
  count(db: Database, categoryId: string): Promise<number>;
  /** Moves every product of `fromId` to `toId`, for the deletion batch. */
  moveAll(db: Database, fromId: string, toId: string): Statement;
}

export async function deleteCategory(
  db: Database,
  contents: CategoryProducts,
  id: string,
  reassignTo: string | undefined,
  meta: RequestMeta,
): Promise<void> {
  if (reassignTo === id) {
    throw badRequest("Products cannot be reassigned to the category being deleted.", [
      { path: "reassign_to", message: "Must be another category" },
    ]);
  }
  await retryOnRace(async () => {
    const current = await loadCategory(db, id);
    if (reassignTo !== undefined && !(await categoryExists(db, reassignTo))) {
      throw badRequest("The category to reassign products to does not exist.", [
        { path: "reassign_to", message: "Unknown category" },
      ]);
    }
    const [child] = await db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).limit(1);
    if (child) throw conflict("The category has subcategories; move or delete them first.");
    const productCount = await contents.count(db, id);
    if (productCount > 0 && reassignTo === undefined) {
      throw conflict("The category still has products; pass `reassign_to` to move them first.", {
        product_count: productCount,
      });
    }
    const noChildren = sql`NOT EXISTS (SELECT 1 FROM categories WHERE parent_id = ${id})`;
    const unchanged = sql`EXISTS (SELECT 1 FROM categories WHERE id = ${id} AND version = ${current.version})`;
    try {
      await runBatch(db, [
        guard(db, sql`${unchanged} AND ${noChildren}`),
        ...(reassignTo === undefined ? [] : [contents.moveAll(db, id, reassignTo)]),
        db.delete(categories).where(eq(categories.id, id)),
        auditInsert(db, meta, {
          action: "category.deleted",
          entityType: "category",
          entityId: id,
          before: toCategoryResponse(current),
          after: reassignTo === undefined ? null : { reassigned_to: reassignTo, products_moved: productCount },
        }),
      ]);
    } catch (err) {
      // A product created in the category meanwhile, or the target deleted: nothing committed.
      if (isForeignKeyViolation(err)) throw conflict("The category changed meanwhile; retry the request.");
      throw err;
    }
    // Moved products show their new category on their own pages too.
    await storefrontChanged({ allProducts: reassignTo !== undefined });
  });
}
