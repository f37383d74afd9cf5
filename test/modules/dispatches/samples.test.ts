import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, samples } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { db, post, sample, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

let manager: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  [manager, operator] = await Promise.all([signInAs("manager"), signInAs("operator")]);
});

interface BatchResult {
  results: {
    index: number;
    ok: boolean;
    sample: { id: string } | null;
    error: { code: string; field: string; clashing_sample: { id: string } | null } | null;
  }[];
  created: number;
  failed: number;
}

describe("samples", () => {
  it("refuse an interval overlapping another of the same hole, naming the clash", async () => {
    const {
      hole,
      samples: [first],
    } = await shed(manager.token, 1);
    const clash = await post(operator.token, "/v1/samples", {
      number: `S-${crypto.randomUUID()}`,
      drillhole_id: hole.id,
      depth_from: 0.5,
      depth_to: 2,
      type: "core",
    });
    expect(expectProblem(clash, 409, "CONFLICT").clashing_sample).toMatchObject({ id: first?.id });
    // Touching intervals are fine; one below the hole's depth is not.
    await sample(operator.token, hole.id, 1, 2);
    const deep = await post(operator.token, "/v1/samples", {
      number: `S-${crypto.randomUUID()}`,
      drillhole_id: hole.id,
      depth_from: 299,
      depth_to: 301,
      type: "core",
    });
    expectProblem(deep, 400, "VALIDATION_FAILED");
    const backwards = await post(operator.token, "/v1/samples", {
      number: "S-x",
      drillhole_id: hole.id,
      depth_from: 5,
      depth_to: 4,
      type: "core",
    });
    expect(problemPaths(backwards)).toContain("depth_to");
  });

  it("never overlap even when written concurrently (the trigger holds the line)", async () => {
    const { hole } = await shed(manager.token, 0);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(operator.token, "/v1/samples", {
          number: `S-race-${crypto.randomUUID()}-${i}`,
          drillhole_id: hole.id,
          depth_from: 10,
          depth_to: 11,
          type: "core",
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
  });

  it("are created by the thousand with per-row results, clashes refused row by row", async () => {
    const { hole } = await shed(manager.token, 0);
    await call("PATCH", `/v1/drillholes/${hole.id}`, { token: manager.token, body: { final_depth: 2000 } });
    const prefix = `B${crypto.randomUUID().slice(0, 6)}-`;
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      number: `${prefix}${String(i).padStart(4, "0")}`,
      drillhole_id: hole.id,
      depth_from: i,
      depth_to: i + 1,
      type: "half_core",
      weight_grams: 1500,
    }));
    // Row 10 overlaps row 9, row 20 repeats row 19's number, row 30 names no hole that exists.
    rows[10] = { ...rows[10], depth_from: 9.5, depth_to: 10.5 } as (typeof rows)[number];
    rows[20] = { ...rows[20], number: rows[19]?.number } as (typeof rows)[number];
    rows[30] = { ...rows[30], drillhole_id: "dhl_nope" } as (typeof rows)[number];
    // Row 40 names a location that does not exist.
    rows[40] = { ...rows[40], location_id: "loc_nope" } as (typeof rows)[number];
    const res = await call<BatchResult>("POST", "/v1/samples:batch", {
      token: operator.token,
      body: { samples: rows },
    });
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body).toMatchObject({ created: 996, failed: 4 });
    const failed = res.body.results.filter((r) => !r.ok);
    expect(failed.map((r) => [r.index, r.error?.code, r.error?.field])).toEqual([
      [10, "CONFLICT", "depth_from"],
      [20, "CONFLICT", "number"],
      [30, "VALIDATION_FAILED", "drillhole_id"],
      [40, "VALIDATION_FAILED", "location_id"],
    ]);
    const ids = res.body.results.flatMap((r) => (r.sample ? [r.sample.id] : []));
    const stored = await db().select({ id: samples.id }).from(samples).where(eq(samples.drillholeId, hole.id));
    expect(stored).toHaveLength(996);
    const audited = await db()
      .select({ id: auditLogs.id })
      .from(auditLogs)
      .where(inArray(auditLogs.entityId, ids.slice(0, 90)));
    expect(audited).toHaveLength(90);

    // The same rows again: every one is refused now, nothing is half-applied.
    const again = await call<BatchResult>("POST", "/v1/samples:batch", {
      token: operator.token,
      body: { samples: rows },
    });
    expect(again.body).toMatchObject({ created: 0, failed: 1000 });

    const page = await call<{ data: { number: string }[] }>(
      "GET",
      `/v1/samples?number_prefix=${prefix}&depth_min=100&depth_max=103&limit=200`,
      { token: operator.token },
    );
    expect(page.body.data.map((s) => s.number)).toEqual([`${prefix}0100`, `${prefix}0101`, `${prefix}0102`]);
  });

  it("refuse a batch above 1,000 rows as a whole", async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ number: `L-${i}`, lot: "LOT-1", type: "pulp" }));
    expectProblem(
      await call("POST", "/v1/samples:batch", { token: operator.token, body: { samples: rows } }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("lot samples, status by hand only where it makes sense", async () => {
    const lot = await post(operator.token, "/v1/samples", {
      number: `L-${crypto.randomUUID()}`,
      lot: "LOT-7",
      type: "pulp",
    });
    expect(lot.status, lot.text).toBe(201);
    const neither = await post(operator.token, "/v1/samples", { number: "L-y", type: "pulp" });
    expect(problemPaths(neither)).toContain("lot");
    const dispose = await call("PATCH", `/v1/samples/${lot.body.id}`, {
      token: operator.token,
      body: { status: "disposed" },
    });
    expect(dispose.body).toMatchObject({ status: "disposed" });
    const back = await call("PATCH", `/v1/samples/${lot.body.id}`, {
      token: operator.token,
      body: { status: "in_store" },
    });
    expectProblem(back, 409, "INVALID_TRANSITION");
  });
});
