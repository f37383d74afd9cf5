import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { company, draft, drillhole, post, project, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

let manager: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  [manager, operator] = await Promise.all([signInAs("manager"), signInAs("operator")]);
});

describe("companies", () => {
  it("are unique by name without regard to case, and edited under If-Match", async () => {
    const cmp = await company(manager.token, { name: `Core Labs ${crypto.randomUUID()}`, code: "CL" });
    expect(cmp).toMatchObject({ kind: "laboratory", active: true, version: 1, code: "CL" });
    const clash = await post(manager.token, "/v1/companies", { name: String(cmp.name).toUpperCase(), kind: "client" });
    expectProblem(clash, 409, "CONFLICT");

    const stale = await call("PATCH", `/v1/companies/${cmp.id}`, {
      token: manager.token,
      body: { notes: "x" },
      headers: { "if-match": 'W/"7"' },
    });
    expectProblem(stale, 412, "PRECONDITION_FAILED");
    const edited = await call("PATCH", `/v1/companies/${cmp.id}`, {
      token: manager.token,
      body: { notes: "Ships Tuesdays" },
      headers: { "if-match": 'W/"1"' },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ notes: "Ships Tuesdays", version: 2 });
    expect(edited.headers.get("etag")).toBe('W/"2"');
  });

  it("are archived, not deleted, and not while a dispatch to them is outstanding", async () => {
    const { company: cmp, project: prj, samples } = await shed(manager.token, 1);
    const dsp = await draft(operator.token, { company_id: cmp.id, project_id: prj.id, samples: [samples[0]?.id] });
    expect((await send(operator.token, dsp.id)).status).toBe(200);

    const refused = await call("DELETE", `/v1/companies/${cmp.id}`, { token: manager.token });
    expectProblem(refused, 409, "CONFLICT");
    expect((await call("GET", `/v1/companies/${cmp.id}`, { token: manager.token })).body).toMatchObject({
      active: true,
    });

    const idle = await company(manager.token);
    const archived = await call("DELETE", `/v1/companies/${idle.id}`, { token: manager.token });
    expect(archived.status, archived.text).toBe(200);
    expect(archived.body).toMatchObject({ active: false, archived_at: expect.any(String) });
    const listed = await call<{ data: { id: string }[] }>("GET", "/v1/companies?limit=200", { token: manager.token });
    expect(listed.body.data.map((c) => c.id)).not.toContain(idle.id);
    const noDispatch = await post(operator.token, "/v1/dispatches", {
      company_id: idle.id,
      destination: { name: "x" },
    });
    expectProblem(noDispatch, 409, "CONFLICT");
  });

  it("may only be managed by managers and admins", async () => {
    const res = await post(operator.token, "/v1/companies", { name: "Nope", kind: "client" });
    expectProblem(res, 403, "FORBIDDEN");
  });
});

describe("projects and drillholes", () => {
  it("keep codes unique per company, dates in order, and are filtered by company and status", async () => {
    const cmp = await company(manager.token);
    const prj = await project(manager.token, cmp.id, { code: "P-1", start_date: "2026-01-01" });
    expectProblem(
      await post(manager.token, "/v1/projects", { company_id: cmp.id, name: "Again", code: "P-1" }),
      409,
      "CONFLICT",
    );
    const other = await company(manager.token);
    await project(manager.token, other.id, { code: "P-1" });
    const backwards = await post(manager.token, "/v1/projects", {
      company_id: cmp.id,
      name: "Backwards",
      code: "P-2",
      start_date: "2026-05-01",
      end_date: "2026-04-01",
    });
    expectProblem(backwards, 400, "VALIDATION_FAILED");
    expect(problemPaths(backwards)).toContain("end_date");
    const list = await call<{ data: { id: string }[] }>("GET", `/v1/projects?company_id=${cmp.id}&status=active`, {
      token: operator.token,
    });
    expect(list.body.data.map((p) => p.id)).toEqual([prj.id]);
  });

  it("a closed project takes no new dispatches", async () => {
    const { company: cmp, project: prj, samples } = await shed(manager.token, 1);
    const dsp = await draft(operator.token, { company_id: cmp.id, project_id: prj.id, samples: [samples[0]?.id] });
    const closed = await call("PATCH", `/v1/projects/${prj.id}`, { token: manager.token, body: { status: "closed" } });
    expect(closed.status, closed.text).toBe(200);
    expectProblem(await send(operator.token, dsp.id), 409, "CONFLICT");
    const body = { company_id: cmp.id, project_id: prj.id, destination: { name: "x" } };
    expectProblem(await post(operator.token, "/v1/dispatches", body), 409, "CONFLICT");
    const foreign = await company(manager.token);
    const mismatch = await post(operator.token, "/v1/dispatches", { ...body, company_id: foreign.id });
    expect(problemPaths(mismatch)).toContain("project_id");
  });

  it("drillholes: hole ids unique per project, angles in range, never shortened below a sample", async () => {
    const { project: prj, hole } = await shed(manager.token, 2);
    expectProblem(
      await post(manager.token, "/v1/drillholes", { project_id: prj.id, hole_id: hole.hole_id }),
      409,
      "CONFLICT",
    );
    const bad = await post(manager.token, "/v1/drillholes", {
      project_id: prj.id,
      hole_id: "DDH-X",
      dip: -91,
      azimuth: 361,
    });
    expect(problemPaths(bad).sort()).toEqual(["azimuth", "dip"]);
    const ok = await drillhole(manager.token, prj.id, {
      dip: -60,
      azimuth: 270,
      easting: 512_345.5,
      northing: 7_654_321,
    });
    expect(ok).toMatchObject({ dip: -60, azimuth: 270, status: "planned" });
    const shorter = await call("PATCH", `/v1/drillholes/${hole.id}`, {
      token: manager.token,
      body: { final_depth: 1.5 },
    });
    expectProblem(shorter, 409, "CONFLICT");
  });
});
