import { z } from "@hono/zod-openapi";
import { REVIEW_STATUSES, type reviews } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

export const ReviewSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    author_name: z.string().openapi({ description: "First name and last initial, as written." }),
    rating: z.number().int().min(1).max(5),
    title: z.string(),
    body: z.string(),
    status: z.enum(REVIEW_STATUSES),
    verified_purchase: z.boolean(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Review");

export type ReviewResponse = z.infer<typeof ReviewSchema>;

export function toReviewResponse(row: typeof reviews.$inferSelect): ReviewResponse {
  return {
    id: row.id,
    product_id: row.productId,
    author_name: row.authorName,
    rating: row.rating,
    title: row.title,
    body: row.body,
    status: row.status,
    verified_purchase: row.verifiedPurchase,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

const Rating = z.number().int().min(1).max(5).openapi({ description: "1 to 5 stars." });
const Title = z.string().trim().min(1).max(200);
const Body = z.string().trim().max(5000);

export const CreateReviewSchema = z
  .strictObject({ rating: Rating, title: Title, body: Body.optional() })
  .openapi("CreateReview");

export const UpdateReviewSchema = z
  .strictObject({
    status: z
      .enum(["approved", "rejected"])
      .optional()
      .openapi({ description: "Staff only: the moderation decision." }),
    rating: Rating.optional(),
    title: Title.optional(),
    body: Body.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Send at least one field")
  .openapi("UpdateReview", {
    description: "Staff send `{ status }`; the author may change rating, title and body while the review is pending.",
  });

export type UpdateReviewInput = z.infer<typeof UpdateReviewSchema>;

export const ProductReviewsQuery = pageQuery.extend({
  status: z
    .enum(REVIEW_STATUSES)
    .optional()
    .openapi({ description: "Staff only; everyone else sees approved reviews." }),
});

export const ListReviewsQuery = pageQuery.extend({
  status: z.enum(REVIEW_STATUSES).optional().openapi({ description: "`pending` gives the moderation queue." }),
  product_id: z.string().max(64).optional(),
});

export const ReviewPage = pageSchema(ReviewSchema).openapi("ReviewPage");
