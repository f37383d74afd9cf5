import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { users } from "../../../src/db/schema";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import type { ReviewResponse } from "../../../src/modules/reviews/schemas";
import { byline } from "../../../src/modules/reviews/service";
import type { StoreProduct } from "../../../src/modules/storefront/schemas";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { auditOf, createProduct, db, publishedProduct } from "../../support/catalog";
import { call } from "../../support/http";

type Page = { data: ReviewResponse[]; next_cursor: string | null };

let admin: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  admin = await signInAs("admin");
  manager = await signInAs("manager");
});

async function customerNamed(name: string): Promise<SignedIn> {
  const customer = await signInAs("customer");
  await db.update(users).set({ name }).where(eq(users.id, customer.id));
  return customer;
}

async function review(token: string, productId: string, body: Record<string, unknown> = {}) {
  return call<ReviewResponse>("POST", `/v1/products/${productId}/reviews`, {
    token,
    body: { rating: 4, title: "Good", body: "Does the job.", ...body },
  });
}

async function moderate(id: string, status: "approved" | "rejected", token = manager.token) {
  return call<ReviewResponse>("PATCH", `/v1/reviews/${id}`, { token, body: { status } });
}

async function ratingOf(productId: string) {
  const res = await call<ProductResponse>("GET", `/v1/products/${productId}`, { token: admin.token });
  return { average: res.body.rating_average, count: res.body.rating_count, version: res.body.version };
}

describe("writing reviews", () => {
  it("lets a customer review a published product once; it waits for moderation", async () => {
    const product = await publishedProduct(admin.token);
    const customer = await customerNamed("Ada Byron Lovelace");
    const res = await review(customer.token, product.id, { rating: 5, title: "Lovely" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      product_id: product.id,
      author_name: "Ada L.",
      rating: 5,
      title: "Lovely",
      status: "pending",
      verified_purchase: false,
      version: 1,
    });
    expect(res.headers.get("location")).toBe(`/v1/reviews/${res.body.id}`);
    expect(await auditOf(res.body.id)).toMatchObject([{ action: "review.created" }]);
    const again = await review(customer.token, product.id);
    expect(again.status).toBe(409);
  });

  it("refuses invalid reviews with 400", async () => {
    const product = await publishedProduct(admin.token);
    const customer = await signInAs("customer");
    const cases: Record<string, unknown>[] = [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { title: "" },
      { title: "x".repeat(201) },
      { body: "x".repeat(5001) },
      { status: "approved" },
    ];
    for (const body of cases) {
      expect((await review(customer.token, product.id, body)).status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await review(customer.token, product.id, { body: "x".repeat(5000) })).status).toBe(201);
  });

  it("404s reviews of drafts, archived and unknown products", async () => {
    const customer = await signInAs("customer");
    const draft = await createProduct(admin.token);
    expect((await review(customer.token, draft.id)).status).toBe(404);
    expect((await review(customer.token, "prd_nope")).status).toBe(404);
  });
});

describe("moderation and ratings", () => {
  it("shows only approved reviews publicly and keeps the rating over approved ones", async () => {
    const product = await publishedProduct(admin.token);
    const ratings = [5, 4, 2];
    const written: ReviewResponse[] = [];
    for (const rating of ratings) {
      const customer = await signInAs("customer");
      written.push((await review(customer.token, product.id, { rating })).body);
    }
    const publicList = async () =>
      (await call<Page>("GET", `/v1/products/${product.id}/reviews`)).body.data.map((r) => r.id);
    expect(await publicList()).toEqual([]);
    expect(await ratingOf(product.id)).toMatchObject({ average: null, count: 0 });

    const [five, four, two] = written as [ReviewResponse, ReviewResponse, ReviewResponse];
    expect((await moderate(five.id, "approved")).body).toMatchObject({ status: "approved", version: 2 });
    await moderate(four.id, "approved");
    await moderate(two.id, "rejected");
    expect(await publicList()).toEqual([four.id, five.id]); // newest first
    const rating = await ratingOf(product.id);
    expect(rating).toMatchObject({ average: 4.5, count: 2, version: product.version }); // derived: no new version

    await moderate(two.id, "approved");
    expect(await ratingOf(product.id)).toMatchObject({ average: 3.67, count: 3 });
    await moderate(five.id, "rejected");
    expect(await ratingOf(product.id)).toMatchObject({ average: 3, count: 2 });
    expect((await auditOf(five.id)).map((a) => a.action)).toEqual([
      "review.created",
      "review.approved",
      "review.rejected",
    ]);

    const store = await call<StoreProduct>("GET", `/v1/store/products/${product.id}`);
    expect(store.body).toMatchObject({ rating_average: 3, rating_count: 2 });
  });

  it("recomputes the rating when an approved review is deleted", async () => {
    const product = await publishedProduct(admin.token);
    const author = await signInAs("customer");
    const mine = (await review(author.token, product.id, { rating: 1 })).body;
    await moderate(mine.id, "approved");
    expect(await ratingOf(product.id)).toMatchObject({ average: 1, count: 1 });
    expect((await call("DELETE", `/v1/reviews/${mine.id}`, { token: author.token })).status).toBe(204);
    expect(await ratingOf(product.id)).toMatchObject({ average: null, count: 0 });
    expect((await call("DELETE", `/v1/reviews/${mine.id}`, { token: author.token })).status).toBe(404);
  });

  it("lets staff filter reviews by status, and lists the moderation queue", async () => {
    const product = await publishedProduct(admin.token);
    const customer = await signInAs("customer");
    const pending = (await review(customer.token, product.id)).body;
    const staffView = await call<Page>("GET", `/v1/products/${product.id}/reviews?status=pending`, {
      token: admin.token,
    });
    expect(staffView.body.data.map((r) => r.id)).toEqual([pending.id]);
    const queue = await call<Page>("GET", `/v1/reviews?status=pending&product_id=${product.id}`, {
      token: manager.token,
    });
    expect(queue.body.data.map((r) => r.id)).toEqual([pending.id]);
    const asCustomer = await call("GET", `/v1/products/${product.id}/reviews?status=pending`, {
      token: customer.token,
    });
    expect(asCustomer.status).toBe(403);
    expect((await call("GET", `/v1/products/${product.id}/reviews?status=pending`)).status).toBe(403);
  });

  it("hides the reviews of unpublished products from the public, not from staff", async () => {
    const product = await publishedProduct(admin.token);
    await call("POST", `/v1/products/${product.id}/unpublish`, { token: admin.token });
    expect((await call("GET", `/v1/products/${product.id}/reviews`)).status).toBe(404);
    expect((await call("GET", `/v1/products/${product.id}/reviews`, { token: admin.token })).status).toBe(200);
  });

  it("pages reviews with a cursor", async () => {
    const product = await publishedProduct(admin.token);
    for (let i = 0; i < 3; i++) {
      const customer = await signInAs("customer");
      await moderate((await review(customer.token, product.id)).body.id, "approved");
    }
    const first = await call<Page>("GET", `/v1/products/${product.id}/reviews?limit=2`);
    const second = await call<Page>(
      "GET",
      `/v1/products/${product.id}/reviews?limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(first.body.data).toHaveLength(2);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
  });
});

describe("editing and deleting reviews", () => {
  it("lets the author edit while pending, and not after moderation", async () => {
    const product = await publishedProduct(admin.token);
    const author = await signInAs("customer");
    const mine = (await review(author.token, product.id)).body;
    const edited = await call<ReviewResponse>("PATCH", `/v1/reviews/${mine.id}`, {
      token: author.token,
      headers: { "if-match": 'W/"1"' },
      body: { rating: 2, body: "Changed my mind." },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ rating: 2, body: "Changed my mind.", status: "pending", version: 2 });
    const stale = await call("PATCH", `/v1/reviews/${mine.id}`, {
      token: author.token,
      headers: { "if-match": 'W/"1"' },
      body: { rating: 3 },
    });
    expect(stale.status).toBe(412);
    await moderate(mine.id, "approved");
    const late = await call("PATCH", `/v1/reviews/${mine.id}`, { token: author.token, body: { rating: 5 } });
    expect(late.status).toBe(409);
  });

  it("keeps moderation and content apart", async () => {
    const product = await publishedProduct(admin.token);
    const author = await signInAs("customer");
    const mine = (await review(author.token, product.id)).body;
    const selfApproval = await call("PATCH", `/v1/reviews/${mine.id}`, {
      token: author.token,
      body: { status: "approved" },
    });
    expect(selfApproval.status).toBe(403);
    const staffRewrite = await call("PATCH", `/v1/reviews/${mine.id}`, { token: manager.token, body: { rating: 5 } });
    expect(staffRewrite.status).toBe(403);
    const empty = await call("PATCH", `/v1/reviews/${mine.id}`, { token: author.token, body: {} });
    expect(empty.status).toBe(400);
  });

  it("lets nobody but the author or staff edit or delete a review", async () => {
    const product = await publishedProduct(admin.token);
    const author = await signInAs("customer");
    const stranger = await signInAs("customer");
    const mine = (await review(author.token, product.id)).body;
    expect((await call("PATCH", `/v1/reviews/${mine.id}`, { token: stranger.token, body: { rating: 1 } })).status).toBe(
      403,
    );
    expect((await call("DELETE", `/v1/reviews/${mine.id}`, { token: stranger.token })).status).toBe(403);
    expect((await call("DELETE", `/v1/reviews/${mine.id}`, { token: admin.token })).status).toBe(204);
  });

  it("lets a secret key with products:write moderate", async () => {
    const product = await publishedProduct(admin.token);
    const customer = await signInAs("customer");
    const pending = (await review(customer.token, product.id)).body;
    const key = await createApiKey(admin, { scopes: ["products:write"] });
    const res = await moderate(pending.id, "approved", key.secret);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("approved");
  });

  it("404s unknown reviews", async () => {
    expect((await moderate("rev_nope", "approved")).status).toBe(404);
    expect((await call("DELETE", "/v1/reviews/rev_nope", { token: admin.token })).status).toBe(404);
  });
});

describe("byline", () => {
  it("keeps the first name and the initial of the last", () => {
    expect(byline("Ada Lovelace")).toBe("Ada L.");
    expect(byline("  Grace  Brewster  hopper ")).toBe("Grace H.");
    expect(byline("Cher")).toBe("Cher");
    expect(byline("   ")).toBe("Customer");
  });
});
