import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs, TEST_PASSWORD, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  version: number;
}
interface Page {
  data: User[];
  next_cursor: string | null;
}

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

function createUser(body: Record<string, unknown>) {
  return call<User>("POST", "/v1/users", { token: admin.token, body });
}

describe("POST /v1/users", () => {
  it("creates a user with any role, with Location and ETag", async () => {
    const email = uniqueEmail("made");
    const res = await createUser({
      email: email.toUpperCase(),
      name: "Made",
      password: TEST_PASSWORD,
      role: "manager",
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email, role: "manager", status: "active", version: 1 });
    expect(res.headers.get("location")).toBe(`/v1/users/${res.body.id}`);
    expect(res.headers.get("etag")).toBe('W/"1"');
    expect(res.body).not.toHaveProperty("password_hash");
    // The new account can sign in.
    const login = await call("POST", "/v1/auth/login", { body: { email, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
  });

  it("refuses a duplicate email, a weak password, an unknown role and unknown fields", async () => {
    const email = uniqueEmail("dup");
    expect((await createUser({ email, name: "A", password: TEST_PASSWORD, role: "operator" })).status).toBe(201);
    expectProblem(await createUser({ email, name: "B", password: TEST_PASSWORD, role: "operator" }), 409, "CONFLICT");

    const weak = await createUser({ email: uniqueEmail(), name: "W", password: "short", role: "customer" });
    expectProblem(weak, 400, "VALIDATION_FAILED");
    expect(problemPaths(weak)).toContain("password");

    const role = await createUser({ email: uniqueEmail(), name: "R", password: TEST_PASSWORD, role: "root" });
    expect(problemPaths(role)).toEqual(["role"]);

    const extra = { email: uniqueEmail(), name: "X", password: TEST_PASSWORD, role: "customer", status: "active" };
    expect(problemPaths(await createUser(extra))).toEqual(["status"]);
  });
});

describe("GET /v1/users", () => {
  const tag = `lst${crypto.randomUUID().slice(0, 8)}`;
  const made: User[] = [];

  beforeAll(async () => {
    for (const role of ["customer", "operator", "customer", "manager", "customer"]) {
      const res = await createUser({ email: uniqueEmail(tag), name: tag, password: TEST_PASSWORD, role });
      made.push(res.body);
    }
  });

  const list = (query: string) => call<Page>("GET", `/v1/users?${query}`, { token: admin.token });

  it("pages through a filtered list with cursors, newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof list>> = await list(
        `email=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((u) => u.id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((u) => u.id).reverse());
  });

  it("filters by role and status", async () => {
    const operators = await list(`email=${tag}&role=operator`);
    expect(operators.body.data.map((u) => u.id)).toEqual([made[1]?.id]);

    const target = made[4] as User;
    expect((await call("DELETE", `/v1/users/${target.id}`, { token: admin.token })).status).toBe(200);
    const deactivated = await list(`email=${tag}&status=deactivated`);
    expect(deactivated.body.data.map((u) => u.id)).toEqual([target.id]);
    const active = await list(`email=${tag}&status=active&role=customer`);
    expect(active.body.data.map((u) => u.id).sort()).toEqual([made[0]?.id, made[2]?.id].sort());
  });

  it("treats the email filter as a literal prefix (no LIKE wildcards)", async () => {
    const underscored = `und_${crypto.randomUUID().slice(0, 8)}`;
    const res = await createUser({
      email: `${underscored}@example.com`,
      name: "U",
      password: TEST_PASSWORD,
      role: "customer",
    });
    expect(res.status).toBe(201);
    expect((await list(`email=${underscored}`)).body.data.map((u) => u.id)).toEqual([res.body.id]);
    expect((await list(`email=${underscored.replace("_", "x")}`)).body.data).toEqual([]);
    expect((await list("email=%25")).body.data).toEqual([]);
  });

  it("refuses a bad cursor, limit or filter value", async () => {
    expectProblem(await list("cursor=bm9wZQ"), 400, "VALIDATION_FAILED");
    expectProblem(await list("limit=0"), 400, "VALIDATION_FAILED");
    expectProblem(await list("limit=201"), 400, "VALIDATION_FAILED");
    expectProblem(await list("role=root"), 400, "VALIDATION_FAILED");
  });

  it("is for admins only", async () => {
    const manager = await signInAs("manager");
    expectProblem(await call("GET", "/v1/users", { token: manager.token }), 403, "FORBIDDEN");
  });
});

describe("GET /v1/users/:id", () => {
  it("lets admins read anyone and others only themselves", async () => {
    const [customer, other] = await Promise.all([signInAs("customer"), signInAs("operator")]);
    const byAdmin = await call<User>("GET", `/v1/users/${customer.id}`, { token: admin.token });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ id: customer.id, email: customer.email });
    expect(byAdmin.headers.get("etag")).toBe(`W/"${byAdmin.body.version}"`);

    expect((await call("GET", `/v1/users/${customer.id}`, { token: customer.token })).status).toBe(200);
    expectProblem(await call("GET", `/v1/users/${other.id}`, { token: customer.token }), 403, "FORBIDDEN");
    expectProblem(await call("GET", `/v1/users/${admin.id}`, { token: other.token }), 403, "FORBIDDEN");
    expectProblem(await call("GET", "/v1/users/usr_missing", { token: admin.token }), 404, "NOT_FOUND");
  });
});
