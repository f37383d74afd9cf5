import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { guard, insertIf, isGuardFailure, isUniqueViolation, runBatch } from "../../src/db/batch";
import { auditLogs, categories, products, reviews } from "../../src/db/schema";
import { db, unique } from "../support/catalog";

function categoryRow(id: string) {
  const now = new Date().toISOString();
  return { id, name: id, slug: id, createdAt: now, updatedAt: now };
}

describe("the batch kit", () => {
  it("rolls back every statement of the batch when its condition is false", async () => {
    const id = unique("cat");
    let failure: unknown;
    try {
      await runBatch(db, [guard(db, sql`1 = 0`), db.insert(categories).values(categoryRow(id))]);
    } catch (err) {
      failure = err;
    }
    expect(isGuardFailure(failure)).toBe(true);
    expect(await db.select().from(categories).where(eq(categories.id, id))).toEqual([]);
  });

  it("lets the batch commit when its condition holds", async () => {
    const id = unique("cat");
    await runBatch(db, [guard(db, sql`1 = 1`), db.insert(categories).values(categoryRow(id))]);
    expect(await db.select().from(categories).where(eq(categories.id, id))).toHaveLength(1);
    // The guard table never keeps a row.
    expect(await db.all(sql`SELECT * FROM write_guard`)).toEqual([]);
  });

  it("does not mistake other failures for a guard failure", async () => {
    const id = unique("cat");
    await runBatch(db, [db.insert(categories).values(categoryRow(id))]);
    let failure: unknown;
    try {
      await runBatch(db, [db.insert(categories).values(categoryRow(id))]);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeDefined();
    expect(isGuardFailure(failure)).toBe(false);
  });

  it("writes an insertIf row only when its condition holds inside the batch", async () => {
    const id = unique("cat");
    const audit = (entityId: string) => ({
      id: unique("aud"),
      actorType: "system" as const,
      actorId: null,
      action: "category.created",
      entityType: "category",
      entityId,
      before: null,
      after: null,
      requestId: "test",
      ip: null,
      createdAt: new Date().toISOString(),
    });
    const landed = sql`EXISTS (SELECT 1 FROM categories WHERE id = ${id})`;
    await runBatch(db, [
      insertIf(db, auditLogs, audit(id), landed),
      db.insert(categories).values(categoryRow(id)),
      insertIf(db, auditLogs, audit(id), landed),
    ]);
    // The first ran before the category existed, the second after.
    expect(await db.select().from(auditLogs).where(eq(auditLogs.entityId, id))).toHaveLength(1);
  });

  it("matches a unique violation by the constraint's name, not by any UNIQUE in the message", async () => {
    const id = unique("cat");
    await runBatch(db, [db.insert(categories).values(categoryRow(id))]);
    let failure: unknown;
    try {
      await runBatch(db, [db.insert(categories).values({ ...categoryRow(unique("cat")), slug: id })]);
    } catch (err) {
      failure = err;
    }
    expect(isUniqueViolation(failure, categories, "categories_slug_unique")).toBe(true);
    // Other unique indexes, even with overlapping column names, do not match.
    expect(isUniqueViolation(failure, products, "products_slug_unique")).toBe(false);
    expect(isUniqueViolation(failure, reviews, "reviews_product_author")).toBe(false);
    expect(
      isUniqueViolation(new Error("UNIQUE constraint failed: categories.slug_x"), categories, "categories_slug_unique"),
    ).toBe(false);
    expect(() => isUniqueViolation(failure, categories, "no_such_index")).toThrow(/No unique index/);
  });
});
