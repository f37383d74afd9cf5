// `npm run dev`: prepares the local environment and serves the worker on :8787.
// 1. creates .dev.vars with fresh secrets if there is none;
// 2. applies the D1 migrations to the local database;
// 3. seeds the demo admin when the local database has no users;
// 4. runs `wrangler dev` with every binding local and, after a fresh seed, creates
//    the demo catalog and stock through the API once the server answers.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { seedDemoData } from "./lib/demo-data.mjs";
import { createUserSql, generatePassword } from "./lib/users.mjs";
import { d1Query, wrangler } from "./lib/wrangler.mjs";

const DEV_VARS = ".dev.vars";
const ADMIN_EMAIL = "admin@stockroom.dev";

function readDevVars() {
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

if (!existsSync(DEV_VARS)) {
  const example = readFileSync(".dev.vars.example", "utf8")
    .replace("JWT_SECRET=change-me", `JWT_SECRET=${randomBytes(32).toString("base64url")}`)
    .replace("ENCRYPTION_KEY=change-me", `ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`);
  writeFileSync(DEV_VARS, example);
  console.log("Created .dev.vars with fresh local secrets.");
}

wrangler(["d1", "migrations", "apply", "DB", "--local"]);

let vars = readDevVars();
const [{ n: userCount }] = d1Query("SELECT count(*) AS n FROM users", "--local");
const freshDatabase = userCount === 0;
if (freshDatabase) {
  if (!vars.SEED_ADMIN_PASSWORD) {
    appendFileSync(DEV_VARS, `\nSEED_ADMIN_PASSWORD=${generatePassword()}\n`);
    vars = readDevVars();
  }
  const admin = createUserSql({
    email: ADMIN_EMAIL,
    name: "Demo Admin",
    password: vars.SEED_ADMIN_PASSWORD,
    role: "admin",
  });
  mkdirSync(".wrangler", { recursive: true });
  writeFileSync(".wrangler/seed.sql", admin.sql);
  wrangler(["d1", "execute", "DB", "--local", "--file", ".wrangler/seed.sql"]);
  console.log("Seeded the local database with the demo admin.");
}

console.log(`
  Stockroom is starting on http://localhost:8787
  Docs:        http://localhost:8787/docs
  Demo admin:  ${ADMIN_EMAIL}
  Password:    ${vars.SEED_ADMIN_PASSWORD ?? "(set SEED_ADMIN_PASSWORD in .dev.vars; this database was seeded with another one)"}
`);

const dev = spawn("wrangler", ["dev", "--port", "8787", "--show-interactive-dev-session=false"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

if (freshDatabase) {
  const base = "http://localhost:8787";
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    await seedDemoData(base, ADMIN_EMAIL, vars.SEED_ADMIN_PASSWORD);
    console.log("Seeded the demo catalog: 3 categories, 8 published products with stock.");
  } catch (err) {
    console.error(`Could not seed the demo catalog: ${err.message}`);
  }
}
