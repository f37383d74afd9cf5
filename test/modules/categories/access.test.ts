import { beforeAll, describe, it } from "vitest";
import {
  type AccessRow,
  type Credentials,
  EDITORS,
  expectAccess,
  STAFF_READ,
  signInCallers,
} from "../../support/access";
import { createCategory } from "../../support/catalog";

let credentials: Credentials;
const rows: AccessRow[] = [];

beforeAll(async () => {
  credentials = await signInCallers();
  const category = await createCategory(credentials.users.admin.token);
  rows.push(
    { method: "GET", path: "/v1/categories", allowed: STAFF_READ },
    { method: "POST", path: "/v1/categories", body: {}, allowed: EDITORS },
    { method: "GET", path: `/v1/categories/${category.id}`, allowed: STAFF_READ },
    { method: "PATCH", path: `/v1/categories/${category.id}`, body: {}, allowed: EDITORS },
    { method: "DELETE", path: "/v1/categories/cat_nope", allowed: EDITORS },
  );
});

describe("category access", () => {
  it("lets staff read, admins and managers write, and nobody else in", async () => {
    for (const row of rows) await expectAccess(row, credentials.tokens);
  });
});
