import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../src/app";
import { signInAs } from "../../support/auth";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The app with request logging switched on (the test config turns it off). */
async function loggedRequest(path: string, init: RequestInit = {}) {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  const res = await createApp().request(path, init, { ...env, REQUEST_LOG: "on" });
  vi.restoreAllMocks();
  return { res, entries: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("request log", () => {
  it("writes one JSON line per request with the route template, status, timing, request id and actor", async () => {
    const user = await signInAs("customer");
    const { res, entries } = await loggedRequest(`/v1/users/${user.id}`, {
      headers: { authorization: `Bearer ${user.token}`, "x-request-id": "log-test-1" },
    });
    expect(res.status).toBe(200);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual({
      level: "info",
      message: "request",
      method: "GET",
      route: "/v1/users/:id",
      status: 200,
      ms: expect.any(Number),
      request_id: "log-test-1",
      actor: user.id,
    });
  });

  it("logs refused and unknown requests too, without credentials", async () => {
    const { entries } = await loggedRequest("/v1/users", { headers: { authorization: "Bearer forged.token.value" } });
    expect(entries).toEqual([expect.objectContaining({ route: "/v1/users", status: 401, actor: null })]);
    expect(JSON.stringify(entries)).not.toContain("forged.token.value");
    const unknown = await loggedRequest("/v1/nothing/here");
    expect(unknown.entries).toEqual([expect.objectContaining({ route: "/v1/nothing/here", status: 404 })]);
  });

  it("stays silent when REQUEST_LOG is off", async () => {
    const spy = vi.spyOn(console, "log");
    await createApp().request("/health", {}, env);
    expect(spy).not.toHaveBeenCalled();
  });
});
