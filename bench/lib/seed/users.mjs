// Accounts: one admin created exactly as `npm run create-admin` does, and customers
// inserted in bulk. Hashes come from scripts/lib/users.mjs, so they are the worker's
// own format and cost (PBKDF2-SHA256, pbkdf2$<iterations>$<salt>$<hash>).
import { createUserSql, generatePassword, hashPassword, newId } from "../../../scripts/lib/users.mjs";
import { insertRows } from "../sql.mjs";

export const ADMIN_EMAIL = "bench-admin@example.com";
export const customerEmail = (n) => `bench-customer-${String(n).padStart(5, "0")}@example.com`;

export async function seedUsers(db, { customers }) {
  const { unstable_splitSqlQuery } = await import("wrangler");
  const password = generatePassword();
  const admin = createUserSql({ email: ADMIN_EMAIL, name: "Bench Admin", password, role: "admin" });
  await db.batch(unstable_splitSqlQuery(admin.sql).map((s) => db.prepare(s)));

  // One hash shared by every customer: each costs ~50 ms of PBKDF2 in Node, and a
  // login verifies a shared hash exactly as it verifies a unique one.
  const passwordHash = hashPassword(password);
  const now = new Date().toISOString();
  const rows = Array.from({ length: customers }, (_, i) => ({
    id: newId("usr"),
    email: customerEmail(i + 1),
    name: `Bench Customer ${i + 1}`,
    password_hash: passwordHash,
    role: "customer",
    status: "active",
    version: 1,
    created_at: now,
    updated_at: now,
  }));
  await insertRows(db, "users", rows);
  return {
    password,
    adminId: admin.id,
    passwordHash,
    customers: rows.map((r) => ({ id: r.id, email: r.email })),
  };
}
