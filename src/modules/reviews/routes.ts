import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { actorOf, requestMeta, userOf } from "../../middleware/actor";
import { listProductReviews, listReviews } from "./queries";
import {
  CreateReviewSchema,
  ListReviewsQuery,
  ProductReviewsQuery,
  ReviewPage,
  ReviewSchema,
  UpdateReviewSchema,
} from "./schemas";
import * as reviews from "./service";

const tags = ["Reviews"];
const productParams = idParam("Product id (`prd_…`)");

/** A product's reviews; mounted under `/v1/products`. */
export const productReviewRoutes = createRouter();

productReviewRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/reviews",
    tags,
    summary: "Reviews of a product, newest first (public: approved only)",
    request: { params: productParams, query: ProductReviewsQuery },
    responses: { 200: jsonContent(ReviewPage, "A page of reviews"), ...problems(404) },
  }),
  async (c) => {
    const page = await listProductReviews(c.get("db"), c.get("actor"), c.req.valid("param").id, c.req.valid("query"));
    return c.json(page, 200);
  },
);

productReviewRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/reviews",
    tags,
    summary: "Review a published product (customers; one review each)",
    security: bearerSecurity,
    request: { params: productParams, body: jsonBody(CreateReviewSchema) },
    responses: { 201: jsonContent(ReviewSchema, "The review, pending moderation"), ...problems(404, 409) },
  }),
  async (c) => {
    const review = await reviews.createReview(
      c.get("db"),
      userOf(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      requestMeta(c),
    );
    c.header("Location", `/v1/reviews/${review.id}`);
    c.header("ETag", versionEtag(review.version));
    return c.json(review, 201);
  },
);

/** Moderation and authors' edits; mounted at `/v1/reviews`. */
export const reviewRoutes = createRouter();
const params = idParam("Review id (`rev_…`)");

reviewRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "All reviews, newest first (`status=pending` is the moderation queue)",
    security: bearerSecurity,
    request: { query: ListReviewsQuery },
    responses: { 200: jsonContent(ReviewPage, "A page of reviews"), ...problems() },
  }),
  async (c) => c.json(await listReviews(c.get("db"), c.req.valid("query")), 200),
);

reviewRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Moderate a review (staff: status) or edit your own pending review",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateReviewSchema) },
    responses: { 200: jsonContent(ReviewSchema, "The review"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const review = await reviews.updateReview(
      c.get("db"),
      actorOf(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(review.version));
    return c.json(review, 200);
  },
);

reviewRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete a review (its author or staff)",
    security: bearerSecurity,
    request: { params },
    responses: { 204: { description: "Deleted" }, ...problems(404) },
  }),
  async (c) => {
    await reviews.deleteReview(c.get("db"), actorOf(c), c.req.valid("param").id, requestMeta(c));
    return c.body(null, 204);
  },
);
