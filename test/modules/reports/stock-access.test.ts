import { beforeAll, describe, expect, it } from "vitest";
import { dashboard } from "../../../src/modules/reports/dashboard";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { draft, giveBack, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { adjust, costedProduct } from "./stock-support";

let admin: SignedIn;
let manager: SignedIn;

beforeAll(async () => {
  [admin, manager] = await Promise.all([signInAs("admin"), signInAs("manager")]);
});

const PATHS = [
  "/v1/reports/inventory?from=2026-04-01&to=2026-04-30",
  "/v1/reports/dispatches?from=2026-04-01&to=2026-04-30",
];

describe("the stock and dispatch reports", () => {
  it("are for managers, admins and keys with reports:read", async () => {
    const [operator, customer] = await Promise.all([signInAs("operator"), signInAs("customer")]);
    const [reader, other] = await Promise.all([
      createApiKey(admin, { scopes: ["reports:read"] }),
      createApiKey(admin, { scopes: ["orders:read", "inventory:read"] }),
    ]);
    const callers: [string, string | null, number][] = [
      ["admin", admin.token, 200],
      ["manager", manager.token, 200],
      ["reports:read key", reader.secret, 200],
      ["operator", operator.token, 403],
      ["customer", customer.token, 403],
      ["other key", other.secret, 403],
      ["anonymous", null, 401],
    ];
    for (const path of PATHS) {
      const answers = [];
      for (const [who, token] of callers) answers.push([who, (await call("GET", path, token ? { token } : {})).status]);
      expect(answers, path).toEqual(callers.map(([who, , status]) => [who, status]));
    }
  });
});

describe("the dashboard's dispatches", () => {
  it("counts the outstanding ones and those past their expected return", async () => {
    const later = Date.now() + 7 * 86_400_000;
    const before = { now: (await dashboard(db)).dispatches, later: (await dashboard(db, later)).dispatches };
    const { company } = await shed(manager.token, 0);
    const tray = await costedProduct(null);
    await adjust(tray, null, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const out = await draft(manager.token, {
      company_id: company.id,
      expected_return_at: tomorrow,
      lines: [{ product_id: tray, qty: 2 }],
    });
    const back = await draft(manager.token, { company_id: company.id, lines: [{ product_id: tray, qty: 1 }] });
    for (const d of [out, back]) expect((await send(manager.token, d.id)).status).toBe(200);
    const returned = await giveBack(manager.token, back.id, {
      lines: [{ product_id: tray, qty: 1, condition: "good" }],
    });
    expect(returned.body.status).toBe("returned");

    const now = (await dashboard(db)).dispatches;
    const inAWeek = (await dashboard(db, later)).dispatches;
    // Other files' dispatches share the table: the check is on what this one added.
    expect(now.outstanding - before.now.outstanding).toBe(1);
    expect(now.overdue - before.now.overdue).toBe(0);
    expect(inAWeek.overdue - before.later.overdue).toBe(1);
    const viaApi = await call<{ dispatches: { outstanding: number } }>("GET", "/v1/reports/dashboard", {
      token: manager.token,
    });
    expect(viaApi.body.dispatches.outstanding).toBeGreaterThanOrEqual(1);
  });
});
