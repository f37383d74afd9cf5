// Creates an admin account in the production (or local) D1 database:
//   npm run create-admin -- --email you@example.com [--name "Your Name"] [--local]
// The password comes from ADMIN_PASSWORD, or is generated and printed once.
import { parseArgs } from "node:util";
import { createUserSql, generatePassword } from "./lib/users.mjs";
import { d1Query, wrangler } from "./lib/wrangler.mjs";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string", default: "Administrator" },
    local: { type: "boolean", default: false },
  },
});
if (!values.email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.email)) {
  console.error('Usage: npm run create-admin -- --email you@example.com [--name "Name"] [--local]');
  process.exit(1);
}
const target = values.local ? "--local" : "--remote";
const email = values.email.trim().toLowerCase();
if (d1Query(`SELECT id FROM users WHERE email = '${email.replaceAll("'", "''")}'`, target).length > 0) {
  console.error(`A user with email ${email} already exists.`);
  process.exit(1);
}
const password = process.env.ADMIN_PASSWORD ?? generatePassword();
const { id, sql } = createUserSql({ email, name: values.name, password, role: "admin" });
wrangler(["d1", "execute", "DB", target, "--command", sql]);
console.log(`\nAdmin ${email} created (${id}).`);
if (!process.env.ADMIN_PASSWORD) console.log(`Password (shown once): ${password}`);
