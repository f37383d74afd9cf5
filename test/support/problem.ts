import { expect } from "vitest";
import type { CallResult } from "./http";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  timestamp: string;
  errors?: { path: string; message: string }[];
  [member: string]: unknown;
}

/** Asserts an RFC 9457 problem+json answer with the given status and stable code, and returns its body. */
export function expectProblem(res: CallResult<unknown>, status: number, code: string): Problem {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = res.body as Problem;
  expect(body).toMatchObject({
    type: `/docs/errors#${code}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    request_id: expect.any(String),
    timestamp: expect.any(String),
  });
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  return body;
}

/** The `path`s of a 400's field problems. */
export function problemPaths(res: CallResult<unknown>): string[] {
  return ((res.body as Problem).errors ?? []).map((e) => e.path);
}
