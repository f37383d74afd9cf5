/*
 * D1 read replication through the Sessions API: every /v1 answer carries the bookmark of
 * its D1 session, and a client that sends it back reads at least that state. Locally
 * there is one database (the primary is the only replica), so what can be checked here is
 * the bookmark's round trip and its order, not which replica answered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

let manager: SignedIn;
beforeAll(async () => {
  manager = await signInAs("manager");
});

const bookmarkOf = (headers: Headers) => {
  const bookmark = headers.get("x-d1-bookmark");
  expect(bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
  return bookmark ?? "";
};

describe("X-D1-Bookmark", () => {
  it("a write answers a bookmark past the reads before it, and a read sent with it sees the write", async () => {
    const before = await call("GET", "/v1/categories", { token: manager.token });
    expect(before.status).toBe(200);
    const suffix = crypto.randomUUID().slice(0, 8);
    const created = await call("POST", "/v1/categories", {
      token: manager.token,
      body: { name: `Bookmarked ${suffix}` },
    });
    expect(created.status, created.text).toBe(201);
    const written = bookmarkOf(created.headers);
    // Bookmarks are fixed-width hex, so they order as strings.
    expect(written > bookmarkOf(before.headers)).toBe(true);

    const read = await call("GET", `/v1/categories/${created.body.id}`, {
      token: manager.token,
      headers: { "x-d1-bookmark": written },
    });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe(`Bookmarked ${suffix}`);
    expect(bookmarkOf(read.headers) >= written).toBe(true);
  });

  it("a read without a bookmark still answers one", async () => {
    const res = await call("GET", "/v1/categories", { token: manager.token });
    expect(res.status).toBe(200);
    bookmarkOf(res.headers);
  });

  it("a malformed bookmark is a 400 that names the header, and changes nothing", async () => {
    const name = `Never ${crypto.randomUUID().slice(0, 8)}`;
    const res = await call("POST", "/v1/categories", {
      token: manager.token,
      headers: { "x-d1-bookmark": "not-a-bookmark" },
      body: { name },
    });
    const problem = expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([{ path: "X-D1-Bookmark", message: "Invalid" }]);
    const list = await call<{ data: { name: string }[] }>("GET", "/v1/categories?limit=200", { token: manager.token });
    expect(list.body.data.some((c) => c.name === name)).toBe(false);
  });

  it("browsers may send it and read it (CORS)", async () => {
    const preflight = await call("OPTIONS", "/v1/categories", {
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "GET",
        "access-control-request-headers": "x-d1-bookmark",
      },
    });
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-d1-bookmark");
    const res = await call("GET", "/v1/categories", {
      token: manager.token,
      headers: { origin: "http://localhost:5173" },
    });
    expect(res.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-d1-bookmark");
  });
});
