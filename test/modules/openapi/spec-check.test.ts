import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../../support/http";
import { SpecChecker, type SpecDocument } from "../../support/spec-check";

/** The checker every `call` runs must itself reject what breaks the document. */
describe("the response check of the shared test helper", () => {
  let checker: SpecChecker;
  const settings = {
    currency: "USD",
    tax_rate_bps: 0,
    reservation_ttl_minutes: 15,
    low_stock_default: 5,
    order_auto_capture: false,
    time_zone: "UTC",
    return_window_days: 30,
    version: 0,
    updated_at: null,
  };
  const answer = (status: number, body: unknown, contentType = "application/json") => ({
    method: "GET",
    path: "/v1/settings?x=1",
    status,
    contentType: `${contentType}; charset=UTF-8`,
    body,
  });

  beforeAll(async () => {
    checker = new SpecChecker((await call<SpecDocument>("GET", "/openapi.json")).body);
  });

  it("accepts an answer as documented", () => {
    expect(checker.problemsWith(answer(200, settings))).toEqual([]);
  });

  it("rejects an undeclared field of a closed schema, a wrong type, a missing field", () => {
    expect(checker.problemsWith(answer(200, { ...settings, secret: 1 })).join()).toContain("secret");
    expect(checker.problemsWith(answer(200, { ...settings, version: "0" })).join()).toContain("/version");
    const { currency: _, ...withoutCurrency } = settings;
    expect(checker.problemsWith(answer(200, withoutCurrency)).join()).toContain("currency");
  });

  it("rejects an undocumented status or content type", () => {
    expect(checker.problemsWith(answer(418, {}))).toEqual(["GET /v1/settings → 418: status not documented"]);
    expect(checker.problemsWith(answer(200, settings, "text/csv"))).toEqual([
      "GET /v1/settings → 200: content type text/csv not documented",
    ]);
  });

  it("matches a path to its operation, a literal segment before a parameter", () => {
    expect(checker.templateOf("/v1/inventory/available")).toBe("/v1/inventory/available");
    expect(checker.templateOf("/v1/inventory/prd_1")).toBe("/v1/inventory/{product_id}");
  });
});
