// Builds the SQL that creates an admin account, hashed exactly as the worker hashes
// passwords (src/modules/users/passwords.ts): pbkdf2$<iterations>$<salt>$<hash>. A test
// (test/modules/users/admin-script.test.ts) signs in through the worker with what it makes.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { ulid } from "ulidx";

export const ITERATIONS = 100_000;

export function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  return `pbkdf2$${ITERATIONS}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** Whether a password matches a stored hash (to tell when .dev.vars and the database disagree). */
export function passwordMatches(password, stored) {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2" || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = pbkdf2Sync(password, Buffer.from(salt, "base64url"), Number(iterations), expected.length, "sha256");
  return timingSafeEqual(actual, expected);
}

export function generatePassword() {
  // 18 random bytes in base64url: 24 characters, mixed case and digits.
  return `${randomBytes(18).toString("base64url")}-7a`;
}

export const quote = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

export function newId(prefix) {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/** INSERT statements for one user and the audit row recording who created it. */
export function createUserSql({ email, name, password, role }) {
  const id = newId("usr");
  const now = new Date().toISOString();
  const user = `INSERT INTO users (id, email, name, password_hash, role, status, version, created_at, updated_at)
VALUES (${quote(id)}, ${quote(email.trim().toLowerCase())}, ${quote(name)}, ${quote(hashPassword(password))}, ${quote(role)}, 'active', 1, ${quote(now)}, ${quote(now)});`;
  const after = JSON.stringify({ id, email, name, role, status: "active" });
  const audit = `INSERT INTO audit_logs (id, actor_type, actor_id, action, entity_type, entity_id, before, after, request_id, ip, created_at)
VALUES (${quote(newId("aud"))}, 'system', NULL, 'user.created', 'user', ${quote(id)}, NULL, ${quote(after)}, NULL, NULL, ${quote(now)});`;
  return { id, sql: `${user}\n${audit}\n` };
}
