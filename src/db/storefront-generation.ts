import { sql } from "drizzle-orm";
import type { Statement } from "./batch";
import type { Database } from "./client";
import { catalogState } from "./schema";

/*
 * The storefront cache generation. It lives below the modules because the writers that
 * bump it (products, images, the stock projection) sit below the storefront that reads it.
 */

/** Bumps the generation: storefront cache keys include it, so every cached answer is bypassed once this batch commits. */
export function bumpStorefrontGeneration(db: Database): Statement {
  return db
    .update(catalogState)
    .set({ generation: sql`${catalogState.generation} + 1` })
    .where(sql`${catalogState.id} = 1`);
}

export async function readStorefrontGeneration(db: Database): Promise<number> {
  const [row] = await db.select({ generation: catalogState.generation }).from(catalogState).limit(1);
  return row?.generation ?? 0;
}
