// `npm run bench [-- --quick] [-- --only=store-get,checkout] [-- --keep]`
// Builds the worker as deployed, runs it in workerd next to a "200 ok" baseline worker,
// seeds a data set, runs every scenario whose routes exist, and prints a table of
// ratios to the baseline; bench/results/<timestamp>.json keeps the figures.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildWorker } from "./lib/build.mjs";
import { findWorkerdPids, waitForQuiet } from "./lib/cpu.mjs";
import { apiClient, routeAvailable } from "./lib/http.mjs";
import { runLoad } from "./lib/load.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { bundleModuleIndex, printProfile, startProfiling, summarizeProfile } from "./lib/profile.mjs";
import { printTable, verdict, writeResults } from "./lib/report.mjs";
import {
  appWorkerOptions,
  BINDING_PROBES,
  baselineWorkerOptions,
  generateSecrets,
  measureStartup,
  readWranglerConfig,
  startRuntime,
} from "./lib/runtime.mjs";
import { insertScenarioProducts, seededRandom } from "./lib/seed/catalog.mjs";
import { FULL_DATASET, QUICK_DATASET, seedDataset } from "./lib/seed/index.mjs";
import { ADMIN_EMAIL, customerEmail } from "./lib/seed/users.mjs";
import { applyMigrations } from "./lib/sql.mjs";
import { scenarios } from "./scenarios/index.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    keep: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    profile: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`npm run bench [-- --quick] [-- --only=a,b] [-- --keep]
  --quick   smaller data set and shorter runs (under 2 minutes)
  --only    run only these scenarios: ${scenarios.map((s) => s.name).join(", ")}
  --keep    keep the temporary directory (bundle, D1/DO state) and print its path
  --profile=<a,b|all>  CPU-profile these scenarios through workerd's inspector (figures of profiled runs carry its overhead)
  --state-dir=<dir>  where the temporary directory goes (default /dev/shm when there is one, else the OS temp dir)`);
  process.exit(0);
}

const SETTINGS = args.quick
  ? { warmupS: 0.5, durationS: 2.5, bindingProbeS: 1.5, connections: 32, startupReps: 1 }
  : { warmupS: 3, durationS: 10, bindingProbeS: 5, connections: 32, startupReps: 5 };
const sizes = args.quick ? QUICK_DATASET : FULL_DATASET;
const only = args.only ? new Set(args.only.split(",").map((s) => s.trim())) : null;
const profiled = args.profile ? new Set(args.profile.split(",").map((s) => s.trim())) : new Set();
const unknownNames = [...(only ?? []), ...profiled].filter((n) => n !== "all" && !scenarios.some((s) => s.name === n));
if (unknownNames.length > 0) throw new Error(`Unknown scenario(s): ${unknownNames.join(", ")}`);

const log = (msg) => process.stderr.write(`${msg}\n`);
const startedAt = new Date();
const fileStamp = startedAt.toISOString().replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
const RESULTS_DIR = path.resolve(import.meta.dirname, "results");
const APP_INSPECTOR_TARGET = "core:user:stockroom";
// D1 and Durable Object state lives in memory (tmpfs) by default: on this VM's disk,
// fsync latency tripled seeding time and dominated every write path.
const stateRoot = args["state-dir"] ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());
const tmp = mkdtempSync(path.join(stateRoot, "stockroom-bench-"));

// Worker console output: errors and warnings are counted per scenario; the first few are shown.
const workerLog = { errors: 0, shown: 0 };
function onWorkerLog({ level, message }) {
  if (level !== "error" && level !== "warn") return;
  workerLog.errors++;
  if (workerLog.shown++ < 5) log(`  [worker ${level}] ${message.slice(0, 400)}`);
}

log(`Stockroom bench (${args.quick ? "quick" : "full"}) in ${tmp}`);
const bundle = buildWorker(path.join(tmp, "dist"));
log(`built the worker with wrangler deploy --dry-run in ${Math.round(bundle.buildMs)} ms`);
const wranglerConfig = await readWranglerConfig();
const secrets = generateSecrets();
const app = appWorkerOptions(wranglerConfig, bundle, secrets);
const baseline = baselineWorkerOptions(wranglerConfig);
const startup = await measureStartup({
  app,
  baseline,
  persistDir: path.join(tmp, "startup-state"),
  reps: SETTINGS.startupReps,
});
const runtime = await startRuntime({
  app,
  baseline,
  persistDir: path.join(tmp, "state"),
  onLog: onWorkerLog,
  inspect: profiled.size > 0,
});
const moduleIndex = profiled.size > 0 ? bundleModuleIndex(bundle.main) : null;
const workerdPids = findWorkerdPids();
log(`workerd ready in ${Math.round(runtime.readyMs)} ms (pid ${workerdPids.join(", ") || "unknown"})`);

const db = await runtime.mf.getD1Database("DB", "stockroom");
const migrations = await applyMigrations(db);
const api = apiClient(runtime.appUrl);

const sessions = new Map();
async function login(email, password) {
  const cached = sessions.get(email);
  if (cached && Date.now() - cached.at < 10 * 60_000) return cached.token;
  const res = await api.expect(200, "POST", "/v1/auth/login", { body: { email, password } });
  sessions.set(email, { token: res.body.access_token, at: Date.now() });
  return res.body.access_token;
}

log(`seeding ${args.quick ? "the quick data set" : "the full data set"}: ${JSON.stringify(sizes)}`);
const dataset = await seedDataset({ db, api, sizes, login: (password) => login(ADMIN_EMAIL, password), log });
log(`seeded in ${(dataset.timings.total_ms / 1000).toFixed(1)} s ${JSON.stringify(dataset.orders)}`);
const settleMs = await waitForQuiet(workerdPids, { timeoutMs: 120_000 });
dataset.timings.settle_ms = settleMs;
log(`workerd quiet ${(settleMs / 1000).toFixed(1)} s after seeding (projection flushes, queue consumers)`);

const rand = seededRandom(42);
const probes = new Map();
let baselineLoad = null;

const ctx = {
  quick: args.quick,
  settings: SETTINGS,
  api,
  db,
  dataset,
  progress: log,
  adminToken: () => login(ADMIN_EMAIL, dataset.password),
  customerTokens: async (n) => {
    const tokens = [];
    for (let i = 1; i <= Math.min(n, dataset.customers.length); i++) {
      tokens.push(await login(customerEmail(i), dataset.password));
    }
    return tokens;
  },
  scenarioProducts: (count, label) => insertScenarioProducts(db, count, label, dataset.categories),
  runTag: () => `bench-${randomBytes(6).toString("hex")}`,
  randomInt: (n) => Math.floor(rand() * n),
  sampleDistinct: (list, k) => {
    const picked = new Set();
    while (picked.size < Math.min(k, list.length)) picked.add(list[Math.floor(rand() * list.length)]);
    return [...picked];
  },
  checkStatuses: (load, allowed) => {
    const other = Object.entries(load.statuses).filter(([code]) => !allowed.includes(Number(code)));
    return {
      name: `only ${allowed.join("/")} answers`,
      ok: other.length === 0 && load.errors === 0 && load.timeouts === 0,
      detail: `statuses ${JSON.stringify(load.statuses)}, ${load.errors} errors, ${load.timeouts} timeouts`,
    };
  },
  /** workerd CPU per request above the baseline's: what this request costs beyond serving HTTP at all. */
  workerCpuPerRequest: (load) => {
    const own = load.cpu_ms_per_request?.workerd;
    const base = baselineLoad?.cpu_ms_per_request?.workerd;
    return own === null || own === undefined || base === null || base === undefined ? null : own - base;
  },
  currentScenario: null,
  async load({ url = runtime.appUrl, duration = SETTINGS.durationS, amount, ...options }) {
    if (amount === undefined && SETTINGS.warmupS > 0) {
      await runLoad({ ...options, url, duration: SETTINGS.warmupS, label: `${options.label} (warm-up)` });
    }
    const profiling =
      runtime.inspectorUrl && ctx.currentScenario && (profiled.has("all") || profiled.has(ctx.currentScenario));
    const stopProfiling = profiling ? await startProfiling(runtime.inspectorUrl, APP_INSPECTOR_TARGET) : null;
    const load = await runLoad({ ...options, url, duration, amount, workerdPids });
    if (stopProfiling) {
      const profile = await stopProfiling();
      const saveTo = path.join(RESULTS_DIR, `${fileStamp}-${options.label}.cpuprofile`);
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(saveTo, JSON.stringify(profile));
      load.profile = { ...summarizeProfile(profile, moduleIndex, path.basename(bundle.main)), saved_to: saveTo };
    }
    return load;
  },
};

async function measureBaseline(label, pathname = "/", duration = SETTINGS.durationS) {
  await waitForQuiet(workerdPids);
  return ctx.load({
    label,
    url: runtime.baselineUrl,
    duration,
    connections: SETTINGS.connections,
    request: () => ({ path: pathname }),
  });
}

async function probe(method, pathname) {
  const key = `${method} ${pathname}`;
  if (!probes.has(key)) probes.set(key, await routeAvailable(api, method, pathname));
  return probes.get(key);
}

const baselineBefore = await measureBaseline("baseline");
baselineLoad = baselineBefore;
// What one call to each local binding costs on its own: the floor under every scenario.
const bindingProbes = [];
for (const [name, pathname, what] of BINDING_PROBES) {
  const load = await measureBaseline(`baseline + ${name}`, pathname, SETTINGS.bindingProbeS);
  bindingProbes.push({ name, what, load });
}
const measurements = [];
for (const scenario of scenarios) {
  if (only && !only.has(scenario.name)) continue;
  const missing = [];
  for (const [method, pathname] of scenario.needs(ctx)) {
    if (!(await probe(method, pathname))) missing.push(`${method} ${pathname.split("?")[0]}`);
  }
  if (missing.length > 0) {
    measurements.push({ name: scenario.name, skipped: `route not available (${missing.join(", ")})` });
    log(`${scenario.name}: skipped, route not available`);
    continue;
  }
  const quietMs = await waitForQuiet(workerdPids);
  log(`${scenario.name}: ${scenario.title}${quietMs > 1_500 ? ` (waited ${(quietMs / 1000).toFixed(1)} s for workerd to go quiet)` : ""}`);
  const errorsBefore = workerLog.errors;
  ctx.currentScenario = scenario.name;
  try {
    for (const m of await scenario.run(ctx)) {
      measurements.push({ ...m, worker_log_errors: workerLog.errors - errorsBefore, quiet_wait_ms: quietMs });
    }
  } catch (err) {
    log(err.stack);
    measurements.push({ name: scenario.name, error: String(err.message ?? err).slice(0, 300) });
  }
}
ctx.currentScenario = null;
const baselineAfter = await measureBaseline("baseline (again)");

// Ratios use the mean of the two baselines, which also shows how much the machine drifted.
const baselineRps = (baselineBefore.rps + baselineAfter.rps) / 2;
const baselineSummary = { ...baselineBefore, rps: baselineRps, before: baselineBefore, after: baselineAfter };

const out = [];
const print = (line = "") => {
  out.push(line);
  console.log(line);
};
print();
print(`Stockroom bench — ${args.quick ? `QUICK (smaller data set, ${SETTINGS.durationS} s runs)` : `full (${SETTINGS.durationS} s runs)`} — ${startedAt.toISOString()}`);
const info = machineInfo();
print(
  `machine: ${info.cpus} × ${info.cpu_model}, ${info.memory_gib} GiB, load ${info.load_average_at_start.join(" ")}; node ${info.versions.node}, workerd ${info.versions.workerd}, wrangler ${info.versions.wrangler}`,
);
print(
  `data: ${sizes.products.toLocaleString("en-US")} products in ${sizes.categories} categories, ${sizes.customers.toLocaleString("en-US")} customers, orders ${dataset.orders.skipped ? `not seeded (${dataset.orders.skipped})` : `${dataset.orders.orders.toLocaleString("en-US")}`}; stock for every product`,
);
const t = dataset.timings;
print(
  `seeding: ${(t.total_ms / 1000).toFixed(1)} s (users ${(t.users_ms / 1000).toFixed(1)} s, catalog SQL ${(t.catalog_ms / 1000).toFixed(1)} s, stock via API ${(t.stock_ms / 1000).toFixed(1)} s, orders SQL ${(t.orders_ms / 1000).toFixed(1)} s), then ${(t.settle_ms / 1000).toFixed(1)} s until workerd was quiet`,
);
print(
  `bundle: ${(bundle.rawBytes / 1024).toFixed(1)} KiB raw, ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip; start-up: app ${Math.round(startup.app_ms)} ms, baseline ${Math.round(startup.baseline_ms)} ms → script ≈ ${Math.round(startup.script_ms)} ms (new workerd to first answer, median of ${startup.reps})`,
);
print(
  `baseline: ${Math.round(baselineBefore.rps).toLocaleString("en-US")} req/s before, ${Math.round(baselineAfter.rps).toLocaleString("en-US")} after (${(((baselineAfter.rps - baselineBefore.rps) / baselineBefore.rps) * 100).toFixed(0)} % drift); ratios use the mean`,
);
print(
  `one binding call on top of the baseline (Miniflare's local simulators): ${bindingProbes
    .map(
      (b) =>
        `${b.what} ${Math.round(b.load.rps).toLocaleString("en-US")} req/s (${(b.load.rps / baselineRps).toFixed(2)}), +${ctx.workerCpuPerRequest(b.load)?.toFixed(2) ?? "–"} ms CPU`,
    )
    .join("; ")}`,
);
print();
printTable(measurements, { load: baselineSummary }, print);
const cpuLines = measurements
  .filter((m) => m.cpuReport && m.load)
  .map((m) => `${m.name} ${ctx.workerCpuPerRequest(m.load)?.toFixed(2) ?? "–"} ms`);
print();
print(
  `CPU per request above the baseline (workerd process CPU, /proc): ${cpuLines.join(", ") || "–"}. workerd reports no per-request CPU locally (tail events carry cpuTime 0).`,
);
if (workerLog.errors > 0) print(`worker logged ${workerLog.errors} errors/warnings during the run`);
for (const m of measurements.filter((m) => m.load?.profile)) {
  print();
  printProfile(m.name, m.load.profile, m.load.requests, print);
  print(`    raw profile (Chrome DevTools → Performance → Load profile): ${path.relative(process.cwd(), m.load.profile.saved_to)}`);
}

const file = writeResults(RESULTS_DIR, fileStamp, {
  started_at: startedAt.toISOString(),
  mode: args.quick ? "quick" : "full",
  settings: SETTINGS,
  machine: info,
  dataset: { sizes, timings_ms: dataset.timings, orders: dataset.orders },
  migrations,
  bundle: { raw_bytes: bundle.rawBytes, gzip_bytes: bundle.gzipBytes, build_ms: bundle.buildMs, modules: bundle.modules },
  startup_ms: startup,
  runtime_ready_ms: runtime.readyMs,
  baseline: { rps_mean: baselineRps, before: baselineBefore, after: baselineAfter },
  binding_probes: bindingProbes.map((b) => ({
    ...b,
    ratio: b.load.rps / baselineRps,
    cpu_ms_per_call: ctx.workerCpuPerRequest(b.load),
  })),
  scenarios: measurements.map((m) => ({
    ...m,
    ratio: m.load ? m.load.rps / baselineRps : null,
    worker_cpu_ms_per_request: m.load ? ctx.workerCpuPerRequest(m.load) : null,
    verdict: verdict(m, baselineRps),
  })),
  printed: out.join("\n"),
});
print(`results: ${path.relative(process.cwd(), file)}`);

await runtime.mf.dispose();
if (args.keep) log(`kept ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
