import { and, eq, gt, or } from "drizzle-orm";
import type { Database } from "../../db/client";
import { stockLocationLevels } from "../../db/schema";

/**
 * Whether any product has units, holds or in-transit stock at the location, read from
 * the stock projection's per-location rows. A change not yet projected (milliseconds) can be missed, which is why the
 * objects keep every location's buckets regardless: stock is never lost with a location.
 */
export async function locationHasStock(db: Database, locationId: string): Promise<boolean> {
  const l = stockLocationLevels;
  const [row] = await db
    .select({ productId: l.productId })
    .from(l)
    .where(and(eq(l.locationId, locationId), or(gt(l.onHand, 0), gt(l.reserved, 0), gt(l.incoming, 0), gt(l.out, 0))))
    .limit(1);
  return row !== undefined;
}
