import { beforeAll, describe, it } from "vitest";
import {
  type AccessRow,
  type Credentials,
  EDITORS,
  expectAccess,
  STAFF_READ,
  signInCallers,
} from "../../support/access";
import { createProduct, publishedProduct, randomEan13 } from "../../support/catalog";

let credentials: Credentials;
const rows: AccessRow[] = [];

beforeAll(async () => {
  credentials = await signInCallers();
  const admin = credentials.users.admin.token;
  const product = await createProduct(admin, { barcode: randomEan13() });
  const published = await publishedProduct(admin);
  rows.push(
    { method: "GET", path: "/v1/products", allowed: STAFF_READ },
    { method: "POST", path: "/v1/products", body: {}, allowed: EDITORS },
    { method: "GET", path: `/v1/products/${product.id}`, allowed: STAFF_READ },
    { method: "GET", path: `/v1/products/by-barcode/${product.barcode}`, allowed: STAFF_READ },
    { method: "PATCH", path: `/v1/products/${product.id}`, body: {}, allowed: EDITORS },
    { method: "DELETE", path: `/v1/products/prd_nope`, allowed: EDITORS },
    { method: "POST", path: `/v1/products/${published.id}/publish`, allowed: EDITORS },
    { method: "POST", path: `/v1/products/${product.id}/unpublish`, allowed: EDITORS },
    { method: "POST", path: `/v1/products/${published.id}/restore`, allowed: EDITORS },
    { method: "POST", path: "/v1/products/prd_nope/archive", allowed: EDITORS },
  );
});

describe("product access", () => {
  it("lets staff read, admins and managers write, and nobody else in", async () => {
    for (const row of rows) await expectAccess(row, credentials.tokens);
  });
});
