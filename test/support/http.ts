import { exports } from "cloudflare:workers";
import { SpecChecker, type SpecDocument } from "./spec-check";

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

const BASE = "https://stockroom.test";

let checker: Promise<SpecChecker> | undefined;
/** The checker for the worker's own document, fetched once per test worker. */
function specChecker(): Promise<SpecChecker> {
  checker ??= exports.default
    .fetch(new Request(`${BASE}/openapi.json`))
    .then((res) => res.json<SpecDocument>())
    .then((document) => new SpecChecker(document));
  return checker;
}

/**
 * Calls the worker through its real fetch entry point, as a client would, and fails when
 * the answer breaks what /openapi.json documents for it (test/support/spec-check.ts).
 */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const response = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const broken = (await specChecker()).problemsWith({
    method,
    path,
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: parsed,
  });
  if (broken.length > 0) throw new Error(`The answer breaks /openapi.json:\n${broken.join("\n")}`);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}
