import { describe, expect, it } from "vitest";
import { login, signInAs, uniqueEmail } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

// vitest.config.ts sets RATE_LIMIT_AUTH to 5 requests a minute per client IP + email,
// and RATE_LIMIT_AUTH_IP to 20 a minute per client IP across emails (login and sign-up apart).
const LIMIT = 5;
const IP_LIMIT = 20;
const WINDOW_MS = 60_000;

/**
 * Runs a scenario that must fit in one limiter window. The local limiter's windows are
 * aligned to the clock's minutes, so a scenario that fails while a new window began
 * during it is run once more (each run uses fresh emails, hence fresh counters).
 */
async function inOneWindow(scenario: () => Promise<void>): Promise<void> {
  const window = Math.floor(Date.now() / WINDOW_MS);
  try {
    await scenario();
  } catch (err) {
    if (Math.floor(Date.now() / WINDOW_MS) === window) throw err;
    await scenario();
  }
}

describe("login rate limit", () => {
  it("answers the sixth attempt for one IP and email with 429, Retry-After and RATE_LIMITED", () =>
    inOneWindow(async () => {
      const email = uniqueEmail("brute");
      const ip = { "cf-connecting-ip": "192.0.2.10" };
      for (let i = 0; i < LIMIT; i++) expect((await login(email, `Guess-number-${i}`, ip)).status).toBe(401);
      const blocked = await login(email, "Guess-number-6", ip);
      expectProblem(blocked, 429, "RATE_LIMITED");
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);

      // The key is IP + email: another IP, or another email from this IP, is not held back.
      expect((await login(email, "Guess-number-7", { "cf-connecting-ip": "192.0.2.11" })).status).toBe(401);
      expect((await login(uniqueEmail("bystander"), "Guess-number-8", ip)).status).toBe(401);
    }));

  it("counts case and whitespace variants of one email together", () =>
    inOneWindow(async () => {
      const email = uniqueEmail("variant");
      const ip = { "cf-connecting-ip": "192.0.2.40" };
      const variants = [
        email,
        email.toUpperCase(),
        ` ${email}`,
        `${email} `,
        email.replace(/^./, (c) => c.toUpperCase()),
      ];
      for (const variant of variants) expect((await login(variant, "Guess-again-1", ip)).status).toBe(401);
      expectProblem(await login(email, "Guess-again-2", ip), 429, "RATE_LIMITED");
    }));

  it("holds back even the right password once the limit is reached", () =>
    inOneWindow(async () => {
      const user = await signInAs("customer");
      const ip = { "cf-connecting-ip": "192.0.2.20" };
      for (let i = 0; i < LIMIT; i++) await login(user.email, `Wrong-Guess-${i}`, ip);
      expectProblem(await login(user.email, undefined, ip), 429, "RATE_LIMITED");
    }));

  it("limits sign-ups by the same key", () =>
    inOneWindow(async () => {
      const email = uniqueEmail("spam");
      const ip = { "cf-connecting-ip": "192.0.2.30" };
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) {
        const res = await call("POST", "/v1/auth/register", {
          body: { email, password: "Plenty-Long-Pass-9", name: "Spam" },
          headers: ip,
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([201, 409, 409, 409, 409, 429]);
    }));
});

describe("per-IP limit across emails", () => {
  it("answers login attempts from one IP with 429 once it has tried as many emails as the limit; another IP still works", () =>
    inOneWindow(async () => {
      const ip = { "cf-connecting-ip": `192.0.2.${50 + Math.floor(Math.random() * 100)}` };
      const statuses = await Promise.all(
        Array.from({ length: IP_LIMIT }, (_, i) => login(uniqueEmail(`stuffing${i}`), "Leaked-Password-1", ip)),
      );
      expect(statuses.map((r) => r.status)).toEqual(Array(IP_LIMIT).fill(401));
      const user = await signInAs("customer");
      // A new email, even with its right password: the address is held back.
      expectProblem(await login(user.email, undefined, ip), 429, "RATE_LIMITED");
      expect((await login(user.email, undefined, { "cf-connecting-ip": "198.51.100.7" })).status).toBe(200);
    }));

  it("answers sign-ups from one IP with 429 after the limit, each with a new email; another IP still signs up", () =>
    inOneWindow(async () => {
      const ip = { "cf-connecting-ip": `2001:db8:ffff::${Math.floor(Math.random() * 0xffff).toString(16)}` };
      const signUp = (headers: Record<string, string>) =>
        call("POST", "/v1/auth/register", {
          body: { email: uniqueEmail("farm"), password: "Plenty-Long-Pass-9", name: "Farm" },
          headers,
        });
      const statuses: number[] = [];
      for (let i = 0; i < IP_LIMIT; i++) statuses.push((await signUp(ip)).status);
      expect(statuses).toEqual(Array(IP_LIMIT).fill(201));
      expectProblem(await signUp(ip), 429, "RATE_LIMITED");
      expect((await signUp({ "cf-connecting-ip": "198.51.100.8" })).status).toBe(201);
    }));
});
