import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { guard, isGuardFailure, runBatch } from "../../../src/db/batch";
import { categories } from "../../../src/db/schema";
import { readStorefrontGeneration } from "../../../src/db/storefront-generation";
import { db, unique } from "./support";

function categoryRow(id: string) {
  const now = new Date().toISOString();
  return { id, name: id, slug: id, createdAt: now, updatedAt: now };
}

describe("batch guard", () => {
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
    expect(await db.all(sql`SELECT * FROM catalog_write_guard`)).toEqual([]);
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

  it("reads the storefront generation seeded by the migration", async () => {
    expect(await readStorefrontGeneration(db)).toBeGreaterThanOrEqual(1);
  });
});
