import { base64url } from "jose";
import { randomBytes, timingSafeEqual } from "../../lib/crypto";
import type { FieldProblem } from "../../lib/errors";

/*
 * PBKDF2-SHA256 through WebCrypto rather than bcrypt/argon2: those run in JS or WASM
 * and would eat most of a Worker's CPU budget per login, while PBKDF2 runs natively.
 * Workers cap PBKDF2 at 100,000 iterations. The cost is stored with each hash
 * (`pbkdf2$<iterations>$<salt>$<hash>`) so it can be raised later without a reset.
 */
export const PBKDF2_ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2$${PBKDF2_ITERATIONS}$${base64url.encode(salt)}$${base64url.encode(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2" || !iterations || !salt || !hash) return false;
  const actual = await derive(password, base64url.decode(salt), Number(iterations));
  return timingSafeEqual(actual, base64url.decode(hash));
}

let dummyHash: Promise<string> | undefined;

/** Spends the same work as a real check, so an unknown email answers as slowly as a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("stockroom-dummy-password");
  await verifyPassword(password, await dummyHash);
}

/** The password policy: at least 10 characters, more than one character class, not the email. */
export function passwordProblems(password: string, email: string, path = "password"): FieldProblem[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push("Use at least 10 characters.");
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) problems.push("Mix at least two of: lower case, upper case, digits, symbols.");
  const lowered = password.toLowerCase();
  if (lowered === email.toLowerCase() || lowered === email.split("@")[0]?.toLowerCase()) {
    problems.push("The password must not be your email.");
  }
  return problems.map((message) => ({ path, message }));
}
