import { beforeAll, describe, it } from "vitest";
import { type AccessRow, type Credentials, EVERYONE, expectAccess, signInCallers } from "../../support/access";
import { publishedProduct } from "../../support/catalog";

let credentials: Credentials;
const rows: AccessRow[] = [];

beforeAll(async () => {
  credentials = await signInCallers();
  const product = await publishedProduct(credentials.users.admin.token);
  rows.push(
    { method: "GET", path: "/v1/store/products", allowed: EVERYONE },
    { method: "GET", path: `/v1/store/products/${product.slug}`, allowed: EVERYONE },
    { method: "GET", path: "/v1/store/categories", allowed: EVERYONE },
  );
});

describe("storefront access", () => {
  it("is open to every caller", async () => {
    for (const row of rows) await expectAccess(row, credentials.tokens);
  });
});
