import { describe, expect, it } from "vitest";
import { call } from "../../support/http";

type Paths = Record<string, Record<string, { operationId?: string }>>;
const METHODS = new Set(["get", "put", "post", "delete", "patch"]);

describe("operationIds", () => {
  it("every operation has a unique, readable one derived from its method and path", async () => {
    const res = await call<{ paths: Paths }>("GET", "/openapi.json");
    const ids: string[] = [];
    for (const [path, item] of Object.entries(res.body.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]*$/);
        ids.push(operation.operationId ?? "");
      }
    }
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
    // No pair fell back to the method-and-path name (that spelling has the path's "V1" in it).
    expect(ids.filter((id) => id.includes("V1"))).toEqual([]);
    const byRoute = (method: string, path: string) => res.body.paths[path]?.[method]?.operationId;
    expect(byRoute("get", "/v1/products")).toBe("listProducts");
    expect(byRoute("post", "/v1/products")).toBe("createProduct");
    expect(byRoute("get", "/v1/products/{id}")).toBe("getProduct");
    expect(byRoute("post", "/v1/products/{id}/publish")).toBe("publishProduct");
    expect(byRoute("get", "/v1/inventory/{product_id}/movements")).toBe("listInventoryMovements");
    expect(byRoute("put", "/v1/inventory/{product_id}")).toBe("replaceInventory");
    expect(byRoute("get", "/v1/settings")).toBe("getSettings");
  });
});
