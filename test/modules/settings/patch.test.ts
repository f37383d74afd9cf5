import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { getSettings, type SettingsBody } from "../../support/settings";

let admin: SignedIn;
let original: SettingsBody;
beforeAll(async () => {
  admin = await signInAs("admin");
  original = (await getSettings(admin)).body;
});

const patch = (body: unknown, ifMatch?: string) =>
  call<SettingsBody>("PATCH", "/v1/settings", {
    token: admin.token,
    body,
    headers: ifMatch ? { "if-match": ifMatch } : {},
  });

afterAll(async () => {
  const current = (await getSettings(admin)).body;
  const { version: _v, updated_at: _u, ...fields } = original;
  await patch(fields, `W/"${current.version}"`);
});

describe("PATCH /v1/settings", () => {
  it("changes only the fields sent, with If-Match, and answers the new ETag", async () => {
    const before = (await getSettings(admin)).body;
    const res = await patch({ tax_rate_bps: 1900 }, `W/"${before.version}"`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`W/"${before.version + 1}"`);
    const { version: _v, updated_at: _u, ...unchanged } = before;
    expect(res.body).toMatchObject({ ...unchanged, tax_rate_bps: 1900, version: before.version + 1 });
    expect((await getSettings(admin)).body).toMatchObject({ ...unchanged, tax_rate_bps: 1900 });
  });

  it("needs If-Match (428), refuses a stale one (412) and bad fields (400), changing nothing", async () => {
    const before = (await getSettings(admin)).body;
    expectProblem(await patch({ tax_rate_bps: 1 }), 428, "PRECONDITION_REQUIRED");
    expectProblem(await patch({ tax_rate_bps: 1 }, `W/"${before.version + 5}"`), 412, "PRECONDITION_FAILED");
    expectProblem(await patch({ currency: "XXZ" }, `W/"${before.version}"`), 400, "VALIDATION_FAILED");
    expectProblem(await patch({ colour: "red" }, `W/"${before.version}"`), 400, "VALIDATION_FAILED");
    expect((await getSettings(admin)).body).toEqual(before);
  });

  it("writes nothing for an empty change: the version and updated_at stay", async () => {
    const before = (await getSettings(admin)).body;
    const res = await patch({}, `W/"${before.version}"`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("etag")).toBe(`W/"${before.version}"`);
    expect((await getSettings(admin)).body).toEqual(before);
    expect((await patch({ tax_rate_bps: before.tax_rate_bps }, `W/"${before.version}"`)).body).toEqual(before);
  });

  it("is for admins only", async () => {
    const manager = await signInAs("manager");
    const res = await call("PATCH", "/v1/settings", {
      token: manager.token,
      body: { tax_rate_bps: 5 },
      headers: { "if-match": 'W/"0"' },
    });
    expect(res.status).toBe(403);
  });
});
