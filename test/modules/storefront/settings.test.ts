import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { roundTrips } from "../../support/server-timing";
import { changeSettings, getSettings } from "../../support/settings";

let admin: SignedIn;
let before: { currency: string; tax_rate_bps: number };
beforeAll(async () => {
  admin = await signInAs("admin");
  const { currency, tax_rate_bps } = (await getSettings(admin)).body;
  before = { currency, tax_rate_bps };
});
afterAll(() => changeSettings(admin, before));

describe("GET /v1/store/settings", () => {
  it("tells anyone the currency, tax rate and checkout limits, from the cache until the settings change", async () => {
    const saved = await changeSettings(admin, { currency: "CHF", tax_rate_bps: 810 });
    const first = await call("GET", "/v1/store/settings");
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({
      currency: "CHF",
      tax_rate_bps: 810,
      reservation_ttl_minutes: saved.reservation_ttl_minutes,
      return_window_days: saved.return_window_days,
      max_units_per_product_per_order: saved.max_units_per_product_per_order,
      max_open_orders_per_customer: saved.max_open_orders_per_customer,
    });
    expect(first.headers.get("cache-control")).toContain("public");

    const hit = await call("GET", "/v1/store/settings");
    expect(hit.headers.get("x-storefront-cache")).toBe("hit");
    expect(roundTrips(hit.headers)).toEqual({ cache: 1, ratelimit: 1 });
    const etag = hit.headers.get("etag") ?? "";
    expect((await call("GET", "/v1/store/settings", { headers: { "if-none-match": etag } })).status).toBe(304);

    await changeSettings(admin, { currency: "JPY" });
    const changed = await call("GET", "/v1/store/settings");
    expect(changed.headers.get("x-storefront-cache")).toBe("miss");
    expect(changed.body).toMatchObject({ currency: "JPY", tax_rate_bps: 810 });
  });
});
