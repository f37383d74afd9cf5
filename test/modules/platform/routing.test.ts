import { describe, expect, it } from "vitest";
import { signInAs } from "../../support/auth";
import { call } from "../../support/http";

describe("routing answers", () => {
  it("GET / points at the reference and the OpenAPI document", async () => {
    const res = await call<{ docs: string; openapi: string }>("GET", "/");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ docs: "/docs", openapi: "/openapi.json" });
    expect((await call("GET", res.body.openapi)).status).toBe(200);
  });

  it("a method no route takes on an existing path is 405 with Allow, and changes nothing", async () => {
    const admin = await signInAs("admin");
    const before = await call<{ data: unknown[] }>("GET", "/v1/categories?limit=200", { token: admin.token });
    const res = await call("DELETE", "/v1/categories", { token: admin.token });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.code).toBe("METHOD_NOT_ALLOWED");
    const after = await call<{ data: unknown[] }>("GET", "/v1/categories?limit=200", { token: admin.token });
    expect(after.body.data).toEqual(before.body.data);
    const item = await call("PUT", "/v1/products/prd_missing", { token: admin.token, body: {} });
    expect(item.status).toBe(405);
    expect(item.headers.get("allow")).toBe("DELETE, GET, HEAD, PATCH");
  });

  it("a path no route has is still 404", async () => {
    const res = await call("GET", "/v1/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});
