import { describe, expect, it } from "vitest";
import { type SessionBody, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

const STRONG = "Plenty-Long-Pass-9";

function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call<SessionBody>("POST", "/v1/auth/register", { body, headers });
}

describe("POST /v1/auth/register", () => {
  it("signs up a customer with a normalised email and a working session", async () => {
    const email = uniqueEmail("signup");
    const res = await register({ email: `  ${email.toUpperCase()} `, password: STRONG, name: " Ada " });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    expect(res.body.user).toMatchObject({ email, name: "Ada", role: "customer", status: "active", version: 1 });
    expect(res.body.user.id).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(res.body.refresh_token).toMatch(/^rt_/);
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);

    const me = await call<{ user: { email: string } }>("GET", "/v1/auth/me", { token: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);
  });

  it("cannot be used to pick a role or any other field", async () => {
    const res = await register({ email: uniqueEmail("escalate"), password: STRONG, name: "Eve", role: "admin" });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problemPaths(res)).toContain("role");
  });

  it.each([
    ["shorter than 10 characters", "Ab1-short", "Use at least 10 characters."],
    [
      "of a single character class",
      "onlylowercaseletters",
      "Mix at least two of: lower case, upper case, digits, symbols.",
    ],
  ])("refuses a password %s", async (_label, password, message) => {
    const res = await register({ email: uniqueEmail("weak"), password, name: "Weak" });
    expect(expectProblem(res, 400, "VALIDATION_FAILED").errors).toEqual([{ path: "password", message }]);
  });

  it("refuses a password equal to the email or its local part", async () => {
    const email = uniqueEmail("same-as-mail");
    const whole = await register({ email, password: email.toUpperCase(), name: "Same" });
    expect(expectProblem(whole, 400, "VALIDATION_FAILED").errors).toEqual([
      { path: "password", message: "The password must not be your email." },
    ]);

    const local = await register({ email, password: email.split("@")[0], name: "Same" });
    expect(expectProblem(local, 400, "VALIDATION_FAILED").errors).toContainEqual({
      path: "password",
      message: "The password must not be your email.",
    });
  });

  it("reports every invalid field at once", async () => {
    const res = await register({ email: "not-an-email", password: 42 });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problemPaths(res).sort()).toEqual(["email", "name", "password"]);
  });

  it("answers 409 for an email that is taken, whatever its case", async () => {
    const email = uniqueEmail("taken");
    expect((await register({ email, password: STRONG, name: "First" })).status).toBe(201);
    const again = await register({ email: email.toUpperCase(), password: STRONG, name: "Second" });
    expectProblem(again, 409, "CONFLICT");
  });

  it("lets exactly one of several concurrent sign-ups for one email through", async () => {
    const email = uniqueEmail("race");
    // Distinct client IPs keep the per-IP+email login limit out of the picture.
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        register({ email, password: STRONG, name: `Racer ${n}` }, { "cf-connecting-ip": `198.51.100.${n}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) expectProblem(loser, 409, "CONFLICT");
  });
});
