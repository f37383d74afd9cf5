/*
 * Listing reviews: the public sees approved reviews of published products; staff (and
 * secret keys that read the catalog) see every review of any product, filtered by
 * status, which is how the moderation queue is read.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Actor } from "../../context";
import type { Database } from "../../db/client";
import { type ReviewStatus, reviews } from "../../db/schema";
import { forbidden, notFound } from "../../lib/errors";
import { decodeCursor, toPage } from "../../lib/pagination";
import { productStatusOf } from "../products";
import { toReviewResponse } from "./schemas";

/** Staff and secret keys that read the catalog see every review; everyone else approved ones. */
export function seesAllReviews(actor: Actor | null): boolean {
  if (actor === null) return false;
  if (actor.kind === "user") return actor.role !== "customer";
  return actor.type === "secret" && (actor.scopes.includes("products:read") || actor.scopes.includes("products:write"));
}

async function pageOfReviews(
  db: Database,
  where: (SQL | undefined)[],
  filter: { limit: number; cursor?: string | undefined },
) {
  if (filter.cursor) where.push(lt(reviews.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(reviews)
    .where(and(...where))
    .orderBy(desc(reviews.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toReviewResponse);
}

export async function listProductReviews(
  db: Database,
  actor: Actor | null,
  productId: string,
  filter: { limit: number; cursor?: string | undefined; status?: ReviewStatus | undefined },
) {
  const staff = seesAllReviews(actor);
  if (filter.status !== undefined && !staff) throw forbidden("Only staff can list reviews by status.");
  const status = await productStatusOf(db, productId);
  if (status === null || (!staff && status !== "published")) throw notFound("Product");
  const shown = staff ? filter.status : "approved";
  return pageOfReviews(db, [eq(reviews.productId, productId), shown ? eq(reviews.status, shown) : undefined], filter);
}

export async function listReviews(
  db: Database,
  filter: {
    limit: number;
    cursor?: string | undefined;
    status?: ReviewStatus | undefined;
    product_id?: string | undefined;
  },
) {
  return pageOfReviews(
    db,
    [
      filter.status ? eq(reviews.status, filter.status) : undefined,
      filter.product_id ? eq(reviews.productId, filter.product_id) : undefined,
    ],
    filter,
  );
}
