import { beforeAll, describe, expect, it } from "vitest";
import type { ReviewResponse } from "../../../src/modules/reviews/schemas";
import {
  type AccessRow,
  type Credentials,
  EVERYONE,
  expectAccess,
  STAFF_READ,
  signInCallers,
} from "../../support/access";
import { publishedProduct } from "../../support/catalog";
import { call } from "../../support/http";

let credentials: Credentials;
const rows: AccessRow[] = [];

beforeAll(async () => {
  credentials = await signInCallers();
  const product = await publishedProduct(credentials.users.admin.token);
  // The matrix customer's own review: the only one a customer may touch.
  const own = await call<ReviewResponse>("POST", `/v1/products/${product.id}/reviews`, {
    token: credentials.users.customer.token,
    body: { rating: 3, title: "Fine" },
  });
  const moderators = ["admin", "manager", "products:write", "customer"] as const;
  rows.push(
    { method: "GET", path: `/v1/products/${product.id}/reviews`, allowed: EVERYONE },
    { method: "POST", path: `/v1/products/${product.id}/reviews`, body: {}, allowed: ["customer"] },
    { method: "GET", path: "/v1/reviews", allowed: STAFF_READ },
    { method: "PATCH", path: `/v1/reviews/${own.body.id}`, body: {}, allowed: moderators },
    { method: "DELETE", path: "/v1/reviews/rev_nope", allowed: moderators },
  );
});

describe("review access", () => {
  it("lets anyone read, customers write, authors and staff edit", async () => {
    for (const row of rows) await expectAccess(row, credentials.tokens);
  });
});

describe("overlapping product paths", () => {
  it("never lets GET /v1/products/by-barcode/reviews reach staff data unauthenticated", async () => {
    // It matches both the public /{id}/reviews and the staff /by-barcode/{code} route.
    // The first registered (the public reviews list) answers, and its rule is the one
    // checked: it finds no product called "by-barcode", for anyone, and shows no staff data.
    const path = "/v1/products/by-barcode/reviews";
    for (const token of [undefined, credentials.tokens.publishable, credentials.tokens.admin]) {
      const res = await call("GET", path, token ? { token } : {});
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "NOT_FOUND", detail: expect.stringContaining("Product") });
    }
  });
});
