// `npm run dev [-- --port 8787] [--inspector-port 9229] [--persist-to .wrangler/state] [--reset]`
// (or PORT= / INSPECTOR_PORT=): prepares the local environment and serves the worker.
// 1. refuses a busy port before touching anything;
// 2. creates .dev.vars with fresh secrets if there is none;
// 3. applies the D1 migrations to the local database;
// 4. seeds the demo admin when it does not exist, and says so when .dev.vars no longer
//    holds its password;
// 5. runs `wrangler dev` with every binding local and, when the catalog is empty, creates
//    the demo catalog and stock through the API once the server answers; then prints
//    where to go and how to sign in.
// Run under a parent with an IPC channel (the tour runner), it sends { ready: url } when done.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { seedDemoData } from "./lib/demo-data.mjs";
import { filterWranglerOutput } from "./lib/dev-output.mjs";
import { appendDevVar, ensureDevVars, readDevVars } from "./lib/dev-vars.mjs";
import { isPortFree } from "./lib/ports.mjs";
import { createUserSql, generatePassword, passwordMatches, quote } from "./lib/users.mjs";
import { d1Query, WRANGLER, WRANGLER_ENV, wrangler } from "./lib/wrangler.mjs";

const ADMIN_EMAIL = "admin@stockroom.dev";

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8787" },
    "inspector-port": { type: "string", default: process.env.INSPECTOR_PORT ?? "9229" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    reset: { type: "boolean", default: false },
  },
});
const port = Number(options.port);
const inspectorPort = Number(options["inspector-port"]);
const persistTo = options["persist-to"];
for (const [name, value] of [
  ["--port", port],
  ["--inspector-port", inspectorPort],
]) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number, got "${options[name.slice(2)]}".`);
    process.exit(1);
  }
}
for (const [what, value, flag] of [
  ["Port", port, "--port"],
  ["Inspector port", inspectorPort, "--inspector-port"],
]) {
  if (!(await isPortFree(value))) {
    console.error(
      `${what} ${value} is already in use (another dev server?). Nothing was changed.\n` +
        `Stop whatever listens there, or choose another one: npm run dev -- ${flag} ${value + 3}`,
    );
    process.exit(1);
  }
}

if (options.reset) {
  rmSync(persistTo, { recursive: true, force: true });
  console.log(`Reset: removed the local state in ${persistTo}.`);
}
if (ensureDevVars()) console.log("Created .dev.vars with fresh local secrets.");

const local = ["--local", "--persist-to", persistTo];
const query = (sql) => d1Query(sql, "--local", ["--persist-to", persistTo]);
wrangler(["d1", "migrations", "apply", "DB", ...local], { quiet: true });
const [{ n: migrationCount }] = query("SELECT count(*) AS n FROM d1_migrations");
console.log(`Local database (${persistTo}): ${migrationCount} migrations applied, up to date.`);

let vars = readDevVars();
const [admin] = query(`SELECT password_hash FROM users WHERE email = ${quote(ADMIN_EMAIL)}`);
let adminPassword = vars.SEED_ADMIN_PASSWORD;
let passwordNote = "";
if (!admin) {
  if (!adminPassword) {
    appendDevVar("SEED_ADMIN_PASSWORD", generatePassword());
    vars = readDevVars();
    adminPassword = vars.SEED_ADMIN_PASSWORD;
  }
  const { sql } = createUserSql({ email: ADMIN_EMAIL, name: "Demo Admin", password: adminPassword, role: "admin" });
  mkdirSync(path.dirname(path.join(persistTo, "seed.sql")), { recursive: true });
  writeFileSync(path.join(persistTo, "seed.sql"), sql);
  wrangler(["d1", "execute", "DB", ...local, "--file", path.join(persistTo, "seed.sql")], { quiet: true });
  console.log(`Seeded the demo admin ${ADMIN_EMAIL}.`);
} else if (!adminPassword) {
  passwordNote = "unknown: SEED_ADMIN_PASSWORD is not set in .dev.vars";
} else if (!passwordMatches(adminPassword, admin.password_hash)) {
  passwordNote = "NOT the SEED_ADMIN_PASSWORD in .dev.vars (it was changed since the seed)";
  adminPassword = undefined;
}

const [{ n: productCount }] = query("SELECT count(*) AS n FROM products");
const seedCatalog = productCount === 0;
if (!seedCatalog) console.log(`Demo catalog: skipped, the catalog already has ${productCount} products.`);

const dev = spawn(
  WRANGLER[0],
  [
    WRANGLER[1],
    "dev",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
  ],
  { stdio: ["inherit", "pipe", "pipe"], env: { ...WRANGLER_ENV, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" } },
);
filterWranglerOutput(dev.stdout, process.stdout);
filterWranglerOutput(dev.stderr, process.stderr);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

const base = `http://localhost:${port}`;
const deadline = Date.now() + 90_000;
let up = false;
while (!up && Date.now() < deadline && dev.exitCode === null) {
  up = await fetch(`${base}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) await new Promise((resolve) => setTimeout(resolve, 250));
}
if (!up) {
  console.error(`The worker did not answer on ${base}/health within 90 s.`);
  dev.kill("SIGTERM");
} else {
  if (seedCatalog && !adminPassword) {
    console.error(`Demo catalog: not seeded, the demo admin's password is ${passwordNote}.`);
  } else if (seedCatalog) {
    try {
      const summary = await seedDemoData(base, ADMIN_EMAIL, adminPassword);
      console.log(`Seeded the demo catalog: ${summary}.`);
    } catch (err) {
      console.error(`Could not seed the demo catalog: ${err.message}`);
    }
  }
  console.log(`
  Stockroom is running on ${base}
  Docs:        ${base}/docs  (OpenAPI: ${base}/openapi.json)
  Debugger:    chrome://inspect on port ${inspectorPort}
  Cron sweeps: curl "${base}/cdn-cgi/local/scheduled?cron=*+*+*+*+*"  (not triggered locally)
  Demo admin:  ${ADMIN_EMAIL}
  Password:    ${adminPassword ?? passwordNote}
  Start over:  npm run dev -- --reset
`);
  process.send?.({ ready: base });
}
