import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLogs } from "../../../src/db/schema";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/orders";
import { expectProblem, problemPaths } from "../../support/problem";
import { changeSettings, getSettings, putSettings, type SettingsBody } from "../../support/settings";

let admin: SignedIn;
let original: SettingsBody;
beforeAll(async () => {
  admin = await signInAs("admin");
  original = (await getSettings(admin)).body;
});
afterAll(async () => {
  await changeSettings(admin, {
    currency: original.currency,
    tax_rate_bps: original.tax_rate_bps,
    reservation_ttl_minutes: original.reservation_ttl_minutes,
    low_stock_default: original.low_stock_default,
  });
});

const valid = {
  currency: "EUR",
  tax_rate_bps: 2000,
  reservation_ttl_minutes: 20,
  low_stock_default: 3,
  order_auto_capture: false,
};

describe("settings", () => {
  it("are read by staff with an ETag, and have every field", async () => {
    const operator = await signInAs("operator");
    const res = await getSettings(operator);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`W/"${res.body.version}"`);
    expect(Object.keys(res.body).sort()).toEqual([
      "currency",
      "low_stock_default",
      "max_open_orders_per_customer",
      "max_units_per_product_per_order",
      "order_auto_capture",
      "reservation_ttl_minutes",
      "return_window_days",
      "tax_rate_bps",
      "time_zone",
      "updated_at",
      "version",
    ]);
    expectProblem(await getSettings(await signInAs("customer")), 403, "FORBIDDEN");
    expectProblem(await putSettings(operator, valid, res.headers.get("etag") ?? ""), 403, "FORBIDDEN");
  });

  it("are replaced by an admin with If-Match, audited, and served fresh at once", async () => {
    const saved = await changeSettings(admin, { currency: "EUR", tax_rate_bps: 2000, reservation_ttl_minutes: 20 });
    expect(saved).toMatchObject({ currency: "EUR", tax_rate_bps: 2000, reservation_ttl_minutes: 20 });
    const read = await getSettings(admin);
    expect(read.body).toMatchObject({ currency: "EUR", tax_rate_bps: 2000, version: saved.version });
    expect(read.headers.get("etag")).toBe(`W/"${saved.version}"`);
    const audit = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.entityType, "settings"), eq(auditLogs.action, "settings.updated")));
    expect(audit.some((a) => a.after?.version === saved.version && a.after?.tax_rate_bps === 2000)).toBe(true);
  });

  it("refuse a missing or stale If-Match and invalid documents, changing nothing", async () => {
    const before = await getSettings(admin);
    const etag = before.headers.get("etag") ?? "";
    expectProblem(await putSettings(admin, valid), 428, "PRECONDITION_REQUIRED");
    expectProblem(await putSettings(admin, valid, `W/"${before.body.version + 5}"`), 412, "PRECONDITION_FAILED");
    const bad: [unknown, string][] = [
      [{ ...valid, currency: "ABC" }, "currency"],
      [{ ...valid, currency: "eur" }, "currency"],
      [{ ...valid, tax_rate_bps: 10_001 }, "tax_rate_bps"],
      [{ ...valid, tax_rate_bps: 12.5 }, "tax_rate_bps"],
      [{ ...valid, reservation_ttl_minutes: 0 }, "reservation_ttl_minutes"],
      [{ ...valid, low_stock_default: -1 }, "low_stock_default"],
      [{ ...valid, order_auto_capture: "yes" }, "order_auto_capture"],
      [{ ...valid, theme: "dark" }, "theme"],
      [{ currency: "EUR" }, "tax_rate_bps"],
    ];
    for (const [body, path] of bad) {
      const res = await putSettings(admin, body, etag);
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problemPaths(res)).toContain(path);
    }
    const after = await getSettings(admin);
    expect(after.body.version).toBe(before.body.version);
  });

  it("let exactly one of two concurrent writers of the same version win", async () => {
    const current = await getSettings(admin);
    const etag = current.headers.get("etag") ?? "";
    const results = await Promise.all(
      [100, 200, 300, 400].map((bps) => putSettings(admin, { ...valid, tax_rate_bps: bps }, etag)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(3);
    const key = await createApiKey(admin, { scopes: ["settings:read"] });
    const viaKey = await getSettings({ ...admin, token: key.secret });
    expect(viaKey.body.version).toBe(current.body.version + 1);
  });
});
