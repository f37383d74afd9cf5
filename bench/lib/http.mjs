// A small client for the setup and verification calls around each load (not for the
// load itself): JSON in and out, the answer's status, headers and parsed body.
import { randomUUID } from "node:crypto";

export function apiClient(baseUrl) {
  async function call(method, path, { token, body, headers = {}, idempotent = false } = {}) {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.authorization = `Bearer ${token}`;
    if (idempotent) init.headers["idempotency-key"] = randomUUID();
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(new URL(path, baseUrl), init);
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, body: json, text };
  }

  /** Like `call`, but anything other than `expected` is an error that says what came back. */
  async function expect(expected, method, path, options) {
    const res = await call(method, path, options);
    const wanted = Array.isArray(expected) ? expected : [expected];
    if (!wanted.includes(res.status)) {
      throw new Error(`${method} ${path}: expected ${wanted.join("/")}, got ${res.status} ${res.text.slice(0, 500)}`);
    }
    return res;
  }

  return { call, expect, baseUrl };
}

/** The router's own 404 ("No route for …"), as opposed to a route answering that a thing is missing. */
export function isMissingRoute(res) {
  return res.status === 404 && typeof res.body?.detail === "string" && res.body.detail.startsWith("No route for");
}

/**
 * Whether the API serves `method path` yet. POSTs carry a JSON body so the JSON-only
 * guard in front of the router does not answer first; no credentials, so nothing runs.
 */
export async function routeAvailable(api, method, path) {
  const res = await api.call(method, path, method === "GET" ? {} : { body: {} });
  return !isMissingRoute(res);
}
