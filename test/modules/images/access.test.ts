import { beforeAll, describe, it } from "vitest";
import { type AccessRow, type Credentials, EDITORS, EVERYONE, expectAccess, signInCallers } from "../../support/access";
import { createProduct } from "../../support/catalog";

let credentials: Credentials;
const rows: AccessRow[] = [];

beforeAll(async () => {
  credentials = await signInCallers();
  const product = await createProduct(credentials.users.admin.token);
  rows.push(
    { method: "POST", path: `/v1/products/${product.id}/images`, body: {}, allowed: EDITORS },
    { method: "PATCH", path: `/v1/products/${product.id}/images/img_nope`, body: {}, allowed: EDITORS },
    { method: "DELETE", path: `/v1/products/${product.id}/images/img_nope`, allowed: EDITORS },
    { method: "GET", path: `/v1/images/${"0".repeat(64)}.png`, allowed: EVERYONE },
  );
});

describe("image access", () => {
  it("lets admins and managers change images, and everyone read image bytes", async () => {
    for (const row of rows) await expectAccess(row, credentials.tokens);
  });
});
