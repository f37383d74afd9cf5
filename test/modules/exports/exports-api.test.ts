import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { events, exportJobs } from "../../../src/db/schema";
import { expireExports } from "../../../src/modules/exports/service";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { db } from "./support";

interface ExportBody {
  id: string;
  status: string;
  rows_done: number;
  rows_total: number | null;
  bytes: number;
  columns: string[];
  file_url: string | null;
}

let admin: SignedIn;
let manager: SignedIn;
let operator: SignedIn;
let customer: SignedIn;

const start = (user: { token: string }, body: unknown, key = crypto.randomUUID()) =>
  call<ExportBody>("POST", "/v1/exports", { token: user.token, body, headers: { "idempotency-key": key } });

async function finished(user: SignedIn, id: string): Promise<ExportBody> {
  return vi.waitFor(
    async () => {
      const res = await call<ExportBody>("GET", `/v1/exports/${id}`, { token: user.token });
      if (res.body.status !== "completed") throw new Error(`still ${res.body.status}`);
      return res.body;
    },
    { timeout: 20_000, interval: 100 },
  );
}

beforeAll(async () => {
  admin = await signInAs("admin");
  manager = await signInAs("manager");
  operator = await signInAs("operator");
  customer = await signInAs("customer");
});

describe("POST /v1/exports", () => {
  it("answers 202 with the queued job, runs it from the JOBS queue, and records export.completed", async () => {
    await call("POST", "/v1/products", {
      token: admin.token,
      body: { sku: "=CMD-1", name: "+danger", price: 1200 },
    });
    const res = await start(manager, { type: "products" });
    expect(res.status).toBe(202);
    expect(res.headers.get("location")).toBe(`/v1/exports/${res.body.id}`);
    expect(res.body.id).toMatch(/^exp_/);
    expect(res.body.columns.slice(0, 3)).toEqual(["id", "sku", "name"]);

    const done = await finished(manager, res.body.id);
    expect(done.rows_done).toBe(done.rows_total);
    expect(done.file_url).toBe(`/v1/exports/${res.body.id}/file`);

    const file = await call("GET", done.file_url ?? "", { token: manager.token });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="products-${done.id}.csv"`);
    expect(Number(file.headers.get("content-length"))).toBe(done.bytes);
    const records: string[][] = parse(file.text);
    expect(records[0]).toEqual(done.columns);
    expect(records).toHaveLength(done.rows_done + 1);
    const row = records.find((r) => r[1] === "'=CMD-1");
    expect(row?.[2]).toBe("'+danger");
    expect(row?.[4]).toBe("1200");

    const [event] = await db().select().from(events).where(eq(events.resourceId, done.id));
    expect(event?.type).toBe("export.completed");
  });

  it("replays the same job for a repeated Idempotency-Key", async () => {
    const key = crypto.randomUUID();
    const first = await start(manager, { type: "customers" }, key);
    const again = await start(manager, { type: "customers" }, key);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    await finished(manager, first.body.id);
  });

  it("refuses an unknown type, filters the type does not take or values they never match, and an empty time range, creating nothing", async () => {
    const before = (await db().select({ id: exportJobs.id }).from(exportJobs)).length;
    expectProblem(await start(manager, { type: "secrets" }), 400, "VALIDATION_FAILED");
    const wrongFilter = await start(manager, { type: "products", filters: { reason: "sale" } });
    expectProblem(wrongFilter, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(wrongFilter.body)).toContain("filters.reason");
    for (const [type, filters] of [
      ["products", { status: "bogus" }],
      ["orders", { status: "shipped" }],
      ["movements", { reason: "nonsense" }],
    ] as const) {
      const never = await start(manager, { type, filters });
      expectProblem(never, 400, "VALIDATION_FAILED");
      expect(never.body).toMatchObject({ errors: [{ path: `filters.${Object.keys(filters)[0]}` }] });
    }
    const range = { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" };
    expectProblem(await start(manager, { type: "orders", filters: range }), 400, "VALIDATION_FAILED");
    expectProblem(await start(manager, { type: "orders", format: "xlsx" }), 400, "VALIDATION_FAILED");
    expectProblem(
      await call("POST", "/v1/exports", { token: manager.token, body: { type: "orders" } }),
      400,
      "VALIDATION_FAILED",
    );
    expect((await db().select({ id: exportJobs.id }).from(exportJobs)).length).toBe(before);
  });
});

describe("who may export and download what", () => {
  it("lets only whoever may read the data export it: the audit log is for admins", async () => {
    expectProblem(await start(manager, { type: "audit_log" }), 403, "FORBIDDEN");
    expectProblem(await start(operator, { type: "audit_log" }), 403, "FORBIDDEN");
    expectProblem(await start(customer, { type: "orders" }), 403, "FORBIDDEN");
    const audit = await start(admin, { type: "audit_log" });
    expect(audit.status).toBe(202);
    await finished(admin, audit.body.id);
    // Others neither see it nor download it.
    expectProblem(await call("GET", `/v1/exports/${audit.body.id}`, { token: manager.token }), 404, "NOT_FOUND");
    expectProblem(await call("GET", `/v1/exports/${audit.body.id}/file`, { token: manager.token }), 404, "NOT_FOUND");
    const list = await call<{ data: ExportBody[] }>("GET", "/v1/exports?limit=200", { token: manager.token });
    expect(list.body.data.map((e) => e.id)).not.toContain(audit.body.id);
    const adminList = await call<{ data: ExportBody[] }>("GET", "/v1/exports?type=audit_log", { token: admin.token });
    expect(adminList.body.data.map((e) => e.id)).toContain(audit.body.id);
  });

  it("needs both the export scope and the data's scope for an API key", async () => {
    const reportsOnly = await createApiKey(admin, { scopes: ["reports:write", "reports:read"] });
    const withOrders = await createApiKey(admin, { scopes: ["reports:write", "reports:read", "orders:read"] });
    const asKey = (secret: string) => ({ token: secret });
    expectProblem(await start(asKey(reportsOnly.secret), { type: "orders" }), 403, "FORBIDDEN");
    expect((await start(asKey(withOrders.secret), { type: "orders" })).status).toBe(202);
  });
});

describe("expiry", () => {
  it("deletes files past their seven days and marks the jobs expired", async () => {
    const res = await start(manager, { type: "inventory" });
    const done = await finished(manager, res.body.id);
    const [job] = await db().select().from(exportJobs).where(eq(exportJobs.id, done.id));
    expect(await env.FILES.head(job?.fileKey ?? "")).not.toBeNull();
    const eightDays = Date.now() + 8 * 24 * 60 * 60 * 1000;
    expect(await expireExports(db(), env.FILES, eightDays)).toBeGreaterThanOrEqual(1);
    expect(await env.FILES.head(job?.fileKey ?? "")).toBeNull();
    const after = await call<ExportBody>("GET", `/v1/exports/${done.id}`, { token: manager.token });
    expect(after.body.status).toBe("expired");
    expectProblem(await call("GET", `/v1/exports/${done.id}/file`, { token: manager.token }), 404, "NOT_FOUND");
  });
});
