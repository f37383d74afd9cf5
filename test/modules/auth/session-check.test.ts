/*
 * An access token's session is checked on every request; for reads the check rides with
 * the request's first D1 query (src/modules/auth/authenticate.ts). These tests hold the
 * read path to the same rules as the write path: a session that has ended, a user who
 * is no longer active, or a role the user no longer has is a 401, and nothing read leaves.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../src/db/schema";
import { signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { roundTrips } from "../../support/server-timing";

describe("the session check on reads", () => {
  it("shares the read's first D1 round trip", async () => {
    const manager = await signInAs("manager");
    const res = await call("GET", "/v1/categories", { token: manager.token });
    expect(res.status).toBe(200);
    expect(roundTrips(res.headers)).toEqual({ d1: 1, ratelimit: 1 });
  });

  it("refuses a read after logout, with or without a D1 query in the handler", async () => {
    const manager = await signInAs("manager");
    expect((await call("POST", "/v1/auth/logout", { token: manager.token })).status).toBe(204);
    const listed = await call("GET", "/v1/categories", { token: manager.token });
    expectProblem(listed, 401, "UNAUTHENTICATED");
    expect(listed.text).not.toContain('"data"');
    // The event catalog is built in code: the check still runs, after the handler.
    const catalog = await call("GET", "/v1/event-types", { token: manager.token });
    expectProblem(catalog, 401, "UNAUTHENTICATED");
    expect(catalog.text).not.toContain("order.created");
  });

  it("refuses a read by a deactivated user", async () => {
    const manager = await signInAs("manager");
    await db.update(users).set({ status: "deactivated" }).where(eq(users.id, manager.id));
    expectProblem(await call("GET", "/v1/categories", { token: manager.token }), 401, "UNAUTHENTICATED");
  });

  it("refuses a read whose token names a role the user no longer has", async () => {
    const manager = await signInAs("manager");
    // Changing a role through the API ends the user's sessions; this is the case where
    // the session outlived the change, so the token's role is all that is left to check.
    await db.update(users).set({ role: "customer" }).where(eq(users.id, manager.id));
    const res = await call("GET", "/v1/event-types", { token: manager.token });
    expectProblem(res, 401, "UNAUTHENTICATED");
  });
});
