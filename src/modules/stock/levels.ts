import type { Database } from "../../db/client";
import { inList } from "../../db/lists";
import { stockLevels } from "../../db/schema";

export interface ProjectedLevel {
  on_hand: number;
  available: number;
}

/**
 * Units on hand and available over all locations, from the D1 projection (it may lag the
 * objects by the projection delay: for reports, never to decide a sale). A product whose
 * stock never moved has 0 of both.
 */
export async function projectedLevels(db: Database, productIds: string[]): Promise<Map<string, ProjectedLevel>> {
  const levels = new Map<string, ProjectedLevel>(productIds.map((id) => [id, { on_hand: 0, available: 0 }]));
  if (productIds.length === 0) return levels;
  const rows = await db
    .select({ productId: stockLevels.productId, onHand: stockLevels.onHand, available: stockLevels.available })
    .from(stockLevels)
    .where(inList(stockLevels.productId, productIds));
  for (const row of rows) levels.set(row.productId, { on_hand: row.onHand, available: row.available });
  return levels;
}
