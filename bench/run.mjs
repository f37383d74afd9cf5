// `npm run bench [-- --quick] [-- --only=store-get,checkout] [-- --profile=checkout]`
// Builds the worker as deployed, runs it in workerd next to a "200 ok" baseline worker,
// seeds a data set, runs every scenario whose routes exist, and prints a table of
// ratios to the baseline; bench/results/<timestamp>.json keeps the figures.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readArgs } from "./lib/args.mjs";
import { buildWorker } from "./lib/build.mjs";
import { createContext, profilingPlan, sessionCache } from "./lib/context.mjs";
import { findWorkerdPids, waitForQuiet } from "./lib/cpu.mjs";
import { startCronTicker } from "./lib/cron.mjs";
import { apiClient, routeAvailable } from "./lib/http.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { bundleModuleIndex } from "./lib/profile.mjs";
import {
  appWorkerOptions,
  BINDING_PROBES,
  baselineWorkerOptions,
  generateSecrets,
  measureStartup,
  readWranglerConfig,
  startRuntime,
} from "./lib/runtime.mjs";
import { seedDataset } from "./lib/seed/index.mjs";
import { ADMIN_EMAIL } from "./lib/seed/users.mjs";
import { applyMigrations } from "./lib/sql.mjs";
import { report } from "./lib/summary.mjs";
import { scenarios } from "./scenarios/index.mjs";

const RESULTS_DIR = path.resolve(import.meta.dirname, "results");
const log = (msg) => process.stderr.write(`${msg}\n`);

/** Worker console output: errors and warnings are counted per scenario, and the first few shown. */
function workerLogCounter() {
  const counter = { errors: 0, shown: 0 };
  counter.onLog = ({ level, message }) => {
    if (level !== "error" && level !== "warn") return;
    counter.errors++;
    if (counter.shown++ < 5) log(`  [worker ${level}] ${message.slice(0, 400)}`);
  };
  return counter;
}

async function runScenarios(run, ctx, api, workerdPids, workerLog) {
  const probes = new Map();
  const available = async (method, pathname) => {
    const key = `${method} ${pathname}`;
    if (!probes.has(key)) probes.set(key, await routeAvailable(api, method, pathname));
    return probes.get(key);
  };
  const measurements = [];
  for (const scenario of scenarios) {
    if (run.only && !run.only.has(scenario.name)) continue;
    const missing = [];
    for (const [method, pathname] of scenario.needs(ctx)) {
      if (!(await available(method, pathname))) missing.push(`${method} ${pathname.split("?")[0]}`);
    }
    if (missing.length > 0) {
      measurements.push({ name: scenario.name, skipped: `route not available (${missing.join(", ")})` });
      log(`${scenario.name}: skipped, route not available`);
      continue;
    }
    const quietMs = await waitForQuiet(workerdPids);
    log(
      `${scenario.name}: ${scenario.title}${quietMs > 1_500 ? ` (after ${(quietMs / 1000).toFixed(1)} s waiting for quiet)` : ""}`,
    );
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
    ctx.currentScenario = null;
  }
  return measurements;
}

async function main(run, tmp, cleanup) {
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  const machine = machineInfo();
  log(`Stockroom bench (${run.quick ? "quick" : "full"}) in ${tmp}`);
  const bundle = buildWorker(path.join(tmp, "dist"));
  log(`built the worker with wrangler deploy --dry-run in ${Math.round(bundle.buildMs)} ms`);
  const wranglerConfig = await readWranglerConfig();
  const app = appWorkerOptions(wranglerConfig, bundle, generateSecrets());
  const baselineWorker = baselineWorkerOptions(wranglerConfig);
  const startup = await measureStartup({
    app,
    baseline: baselineWorker,
    persistDir: path.join(tmp, "startup-state"),
    reps: run.settings.startupReps,
  });
  const workerLog = workerLogCounter();
  const runtime = await startRuntime({
    app,
    baseline: baselineWorker,
    persistDir: path.join(tmp, "state"),
    onLog: workerLog.onLog,
    inspect: run.profiled.size > 0,
  });
  cleanup.push(() => runtime.mf.dispose());
  const crons = startCronTicker(runtime.mf, app.name, wranglerConfig.workerOptions.cronTriggers ?? [], log);
  cleanup.push(async () => crons.stop());
  const workerdPids = findWorkerdPids();
  log(`workerd ready in ${Math.round(runtime.readyMs)} ms (pid ${workerdPids.join(", ") || "unknown"})`);

  const db = await runtime.mf.getD1Database("DB", "stockroom");
  const migrations = await applyMigrations(db);
  const api = apiClient(runtime.appUrl);
  const login = sessionCache(api);
  log(`seeding ${run.quick ? "the quick" : "the full"} data set: ${JSON.stringify(run.sizes)}`);
  const dataset = await seedDataset({ db, api, sizes: run.sizes, login: (pw) => login(ADMIN_EMAIL, pw), log });
  dataset.timings.settle_ms = await waitForQuiet(workerdPids, { timeoutMs: 120_000 });
  log(`seeded in ${(dataset.timings.total_ms / 1000).toFixed(1)} s; orders: ${JSON.stringify(dataset.orders)}`);

  const profiling = profilingPlan({
    profiled: run.profiled,
    inspectorUrl: runtime.inspectorUrl,
    moduleIndex: run.profiled.size > 0 ? bundleModuleIndex(bundle.main) : null,
    bundleFile: path.basename(bundle.main),
    resultsDir: RESULTS_DIR,
    stamp,
  });
  const ctx = createContext({ run, runtime, api, db, dataset, login, workerdPids, profiling });
  const measureBaseline = async (label, pathname = "/", duration = run.settings.durationS) => {
    await waitForQuiet(workerdPids);
    const request = () => ({ path: pathname });
    return ctx.load({ label, url: runtime.baselineUrl, duration, connections: run.settings.connections, request });
  };

  const before = await measureBaseline("baseline");
  ctx.baseline = before;
  // What one call to each local binding costs on its own: the floor under the scenarios.
  const bindingProbes = [];
  for (const [name, pathname, what] of BINDING_PROBES) {
    bindingProbes.push({
      name,
      what,
      load: await measureBaseline(`baseline + ${name}`, pathname, run.settings.bindingProbeS),
    });
  }
  const measurements = await runScenarios(run, ctx, api, workerdPids, workerLog);
  const after = await measureBaseline("baseline (again)");
  crons.stop();
  // Ratios use the mean of the two baselines; their difference shows how much the machine drifted.
  const baseline = { ...before, rps: (before.rps + after.rps) / 2, before, after };

  report(
    {
      startedAt,
      run,
      machine,
      dataset,
      migrations,
      bundle,
      startup,
      runtimeReadyMs: runtime.readyMs,
      baseline,
      bindingProbes,
      measurements,
      workerLogErrors: workerLog.errors,
      cronsFired: crons.fired,
    },
    ctx,
    RESULTS_DIR,
    stamp,
  );
}

const run = readArgs();
// D1 and Durable Object state lives in memory (tmpfs) by default: on this VM's disk,
// fsync latency tripled seeding time and dominated every write path.
const stateRoot = run.stateDir ?? (existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir());
const tmp = mkdtempSync(path.join(stateRoot, "stockroom-bench-"));
const cleanup = [];
async function finish(code) {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  if (run.keep) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
process.once("SIGINT", () => finish(130));
try {
  await main(run, tmp, cleanup);
  await finish(0);
} catch (err) {
  log(err.stack ?? String(err));
  await finish(1);
}
