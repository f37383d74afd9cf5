/*
 * Reviews. A signed-in customer may review a published product once
 * (rating 1 to 5, a title, a body of at most 5,000 characters); the review waits as
 * `pending` until staff approve or reject it, and only approved reviews are public.
 * The author may edit their review while it is pending and delete it at any time;
 * staff moderate and may delete. The product's `rating_average` and `rating_count`
 * are recomputed over approved reviews in the same batch as every moderation and
 * deletion. `verified_purchase` says the orders module vouches for a paid order of the
 * product: asked when the review is written, and set by the payment for earlier reviews.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Actor, UserActor } from "../../context";
import { guard, isGuardFailure, isUniqueViolation, retryOnRace, runBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { reviews } from "../../db/schema";
import { conflict, forbidden, notFound, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { storefrontChanged } from "../../lib/storefront-stamps";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { hasPurchased } from "../orders";
import { productStatusOf, recomputeRating } from "../products";
import { getUser } from "../users";
import { type ReviewResponse, toReviewResponse, type UpdateReviewInput } from "./schemas";

type ReviewRow = typeof reviews.$inferSelect;

/** "Ada Lovelace" → "Ada L.": enough to tell reviewers apart without publishing full names. */
export function byline(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (!first) return "Customer";
  const last = rest.at(-1);
  return last ? `${first} ${last.charAt(0).toUpperCase()}.` : first;
}

function approvedRatings(productId: string): SQL {
  return sql`SELECT rating FROM reviews WHERE product_id = ${productId} AND status = 'approved'`;
}

async function loadReview(db: Database, id: string): Promise<ReviewRow> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, id)).limit(1);
  if (!row) throw notFound("Review");
  return row;
}

export async function createReview(
  db: Database,
  author: UserActor,
  productId: string,
  input: { rating: number; title: string; body?: string | undefined },
  meta: RequestMeta,
): Promise<ReviewResponse> {
  if ((await productStatusOf(db, productId)) !== "published") throw notFound("Product");
  const user = await getUser(db, author, author.id);
  const now = nowIso();
  const row: ReviewRow = {
    id: newId("rev"),
    productId,
    authorId: author.id,
    authorName: byline(user.name),
    rating: input.rating,
    title: input.title,
    body: input.body ?? "",
    status: "pending",
    verifiedPurchase: await hasPurchased(db, author.id, productId),
    version: 1,
    moderatedBy: null,
    moderatedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const response = toReviewResponse(row);
  try {
    await runBatch(db, [
      db.insert(reviews).values(row),
      auditInsert(db, meta, { action: "review.created", entityType: "review", entityId: row.id, after: response }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, reviews, "reviews_product_author")) {
      throw conflict("You have already reviewed this product; edit or delete that review instead.");
    }
    throw err;
  }
  return response;
}

function isAuthor(actor: Actor, review: ReviewRow): boolean {
  return actor.kind === "user" && actor.id === review.authorId;
}

export async function updateReview(
  db: Database,
  actor: Actor,
  id: string,
  input: UpdateReviewInput,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<ReviewResponse> {
  return retryOnRace(async () => {
    const current = await loadReview(db, id);
    const moderating = actor.kind === "api_key" || actor.role !== "customer";
    if (!moderating && !isAuthor(actor, current)) throw forbidden("You may only edit your own review.");
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    const now = nowIso();
    let next: Partial<ReviewRow>;
    if (moderating) {
      if (input.status === undefined || Object.keys(input).length > 1) {
        throw forbidden('Staff moderate reviews with `{ "status": "approved" | "rejected" }` only.');
      }
      if (input.status === current.status) return toReviewResponse(current);
      next = { status: input.status, moderatedBy: actor.id, moderatedAt: now };
    } else {
      if (input.status !== undefined) throw forbidden("Only staff moderate reviews.");
      if (current.status !== "pending") throw conflict("Only a pending review can be edited.");
      next = { rating: input.rating, title: input.title, body: input.body };
    }
    const defined = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
    const after: ReviewRow = { ...current, ...defined, version: current.version + 1, updatedAt: now };
    const unchanged = and(eq(reviews.id, id), eq(reviews.version, current.version));
    const ratingMayMove = moderating && (current.status === "approved" || after.status === "approved");
    await runBatch(db, [
      guard(db, sql`EXISTS (SELECT 1 FROM reviews WHERE ${unchanged})`),
      db
        .update(reviews)
        .set({ ...defined, version: after.version, updatedAt: now })
        .where(unchanged),
      ...(ratingMayMove ? [recomputeRating(db, current.productId, approvedRatings(current.productId))] : []),
      auditInsert(db, meta, {
        action: moderating ? `review.${after.status}` : "review.updated",
        entityType: "review",
        entityId: id,
        before: toReviewResponse(current),
        after: toReviewResponse(after),
      }),
    ]);
    if (ratingMayMove) await storefrontChanged({ productIds: [current.productId] });
    return toReviewResponse(after);
  });
}

export async function deleteReview(db: Database, actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  const current = await loadReview(db, id);
  const staff = actor.kind === "api_key" || actor.role !== "customer";
  if (!staff && !isAuthor(actor, current)) throw forbidden("You may only delete your own review.");
  try {
    await runBatch(db, [
      guard(db, sql`EXISTS (SELECT 1 FROM reviews WHERE id = ${id})`),
      db.delete(reviews).where(eq(reviews.id, id)),
      // Recomputed whatever the status read above: an approval may have landed since.
      recomputeRating(db, current.productId, approvedRatings(current.productId)),
      auditInsert(db, meta, {
        action: "review.deleted",
        entityType: "review",
        entityId: id,
        before: toReviewResponse(current),
      }),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw notFound("Review"); // deleted by someone else meanwhile
    throw err;
  }
  await storefrontChanged({ productIds: [current.productId] });
}
