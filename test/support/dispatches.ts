import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { createDb } from "../../src/db/client";
import { events } from "../../src/db/schema";
import { type CallResult, call } from "./http";

export const db = () => createDb(env.DB);
export const key = () => crypto.randomUUID();
const tag = () => crypto.randomUUID().slice(0, 8);

type Body = Record<string, unknown> & { id: string; version: number; status: string };

async function created(res: Promise<CallResult<Body>>): Promise<Body> {
  const r = await res;
  expect(r.status, r.text).toBe(201);
  return r.body;
}

export const post = (token: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call<Body>("POST", path, { token, body, headers });

export function company(token: string, overrides: Record<string, unknown> = {}) {
  return created(post(token, "/v1/companies", { name: `Assay Lab ${tag()}`, kind: "laboratory", ...overrides }));
}

export function project(token: string, companyId: string, overrides: Record<string, unknown> = {}) {
  return created(
    post(token, "/v1/projects", {
      company_id: companyId,
      name: "Gold Ridge",
      code: `GR-${tag()}`,
      status: "active",
      ...overrides,
    }),
  );
}

export function drillhole(token: string, projectId: string, overrides: Record<string, unknown> = {}) {
  return created(
    post(token, "/v1/drillholes", { project_id: projectId, hole_id: `DDH-${tag()}`, final_depth: 300, ...overrides }),
  );
}

export function sample(
  token: string,
  holeId: string,
  from: number,
  to: number,
  overrides: Record<string, unknown> = {},
) {
  return created(
    post(token, "/v1/samples", {
      number: `S-${tag()}`,
      drillhole_id: holeId,
      depth_from: from,
      depth_to: to,
      type: "half_core",
      ...overrides,
    }),
  );
}

/** A company, an active project and a hole with `n` one-metre samples, as a manager sets them up. */
export async function shed(manager: string, n = 3) {
  const cmp = await company(manager);
  const prj = await project(manager, cmp.id);
  const hole = await drillhole(manager, prj.id);
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await sample(manager, hole.id, i, i + 1));
  return { company: cmp, project: prj, hole, samples };
}

export function draft(token: string, body: Record<string, unknown>) {
  return created(post(token, "/v1/dispatches", { destination: { name: "Lab bench 3" }, ...body }));
}

export const send = (token: string, id: string, idempotencyKey = key()) =>
  post(token, `/v1/dispatches/${id}/dispatch`, undefined, { "idempotency-key": idempotencyKey });

export const giveBack = (token: string, id: string, body: unknown, idempotencyKey = key()) =>
  post(token, `/v1/dispatches/${id}/return`, body, { "idempotency-key": idempotencyKey });

export async function eventsOf(resourceId: string, type: string) {
  return db()
    .select()
    .from(events)
    .where(and(eq(events.resourceId, resourceId), eq(events.type, type)));
}
