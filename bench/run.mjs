// `npm run bench [-- --quick] [-- --only=store-get,checkout] [-- --profile=checkout]`
// Builds the worker as deployed, runs it in workerd next to a "200 ok" baseline worker,
// seeds a data set, runs every scenario whose routes exist, and prints a table of
// ratios to the baseline; bench/results/<timestamp>.json keeps the figures. With
// `--against <ref>`, that ref is built too and every scenario runs on both builds.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkoutReference, isolateResources } from "./lib/against.mjs";
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

const ROOT = path.resolve(import.meta.dirname, "..");
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

/** Runs one scenario on one build: routes probed first, after workerd has gone quiet. */
async function runScenario(scenario, build, workerdPids, workerLog) {
  const { ctx, api, probes } = build;
  const missing = [];
  for (const [method, pathname] of scenario.needs(ctx)) {
    const key = `${method} ${pathname}`;
    if (!probes.has(key)) probes.set(key, await routeAvailable(api, method, pathname));
    if (!probes.get(key)) missing.push(`${method} ${pathname.split("?")[0]}`);
  }
  const tag = (m) => ({ ...m, build: build.key });
  if (missing.length > 0) {
    log(`${scenario.name}${build.tag}: skipped, route not available`);
    return [tag({ name: scenario.name, skipped: `route not available (${missing.join(", ")})` })];
  }
  const quietMs = await waitForQuiet(workerdPids);
  log(
    `${scenario.name}${build.tag}: ${scenario.title}${quietMs > 1_500 ? ` (after ${(quietMs / 1000).toFixed(1)} s waiting for quiet)` : ""}`,
  );
  const errorsBefore = workerLog.errors;
  ctx.currentScenario = scenario.name;
  const measurements = [];
  try {
    for (const m of await scenario.run(ctx)) {
      measurements.push(tag({ ...m, worker_log_errors: workerLog.errors - errorsBefore, quiet_wait_ms: quietMs }));
    }
  } catch (err) {
    log(err.stack);
    measurements.push(tag({ name: scenario.name, error: String(err.message ?? err).slice(0, 300) }));
  }
  ctx.currentScenario = null;
  return measurements;
}

/**
 * Every scenario on every build. With `--against`, each scenario runs on both builds
 * back to back, alternating which goes first, so slow drift of the machine does not
 * always land on the same build.
 */
async function runScenarios(run, builds, workerdPids, workerLog) {
  const measurements = [];
  let turn = 0;
  for (const scenario of scenarios) {
    if (run.only && !run.only.has(scenario.name)) continue;
    const order = turn++ % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) measurements.push(...(await runScenario(scenario, build, workerdPids, workerLog)));
  }
  return measurements;
}

/** This checkout, and with `--against` the ref's checkout: each built and configured with its own resources. */
async function prepareBuilds(run, tmp, cleanup) {
  const builds = [{ key: "this", label: "this checkout", tag: "", root: ROOT, name: "stockroom" }];
  if (run.against) {
    const ref = checkoutReference(run.against, path.join(tmp, "reference"));
    cleanup.push(async () => ref.remove());
    log(`--against ${run.against}: ${ref.commit.slice(0, 10)} ${ref.subject}`);
    builds.push({
      key: "ref",
      label: `${run.against} (${ref.commit.slice(0, 10)})`,
      tag: ` [${run.against}]`,
      root: ref.root,
      name: "stockroom-ref",
      commit: ref.commit,
    });
  }
  const secrets = generateSecrets();
  for (const build of builds) {
    build.bundle = buildWorker(path.join(tmp, `dist-${build.key}`), build.root);
    log(`built ${build.label} with wrangler deploy --dry-run in ${Math.round(build.bundle.buildMs)} ms`);
    build.wranglerConfig = await readWranglerConfig(build.root);
    const options = appWorkerOptions(build.wranglerConfig, build.bundle, secrets, build.name);
    build.options = build.key === "this" ? options : isolateResources(options, "-ref");
    build.probes = new Map();
  }
  return builds;
}

/** Migrations, the data set and a scenario context for one build. */
async function seedBuild(run, build, runtime, workerdPids, profiling) {
  const db = await runtime.mf.getD1Database("DB", build.name);
  build.migrations = await applyMigrations(db, build.root);
  const api = apiClient(runtime.appUrls[build.name]);
  const login = sessionCache(api);
  log(`seeding ${build.label}, ${run.quick ? "the quick" : "the full"} data set: ${JSON.stringify(run.sizes)}`);
  const dataset = await seedDataset({ db, api, sizes: run.sizes, login: (pw) => login(ADMIN_EMAIL, pw), log });
  dataset.timings.settle_ms = await waitForQuiet(workerdPids, { timeoutMs: 120_000 });
  log(`seeded in ${(dataset.timings.total_ms / 1000).toFixed(1)} s; orders: ${JSON.stringify(dataset.orders)}`);
  build.dataset = dataset;
  build.api = api;
  build.ctx = createContext({
    run,
    runtime,
    appUrl: runtime.appUrls[build.name],
    api,
    db,
    dataset,
    login,
    workerdPids,
    profiling,
  });
}

async function main(run, tmp, cleanup) {
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  const machine = machineInfo();
  log(`Stockroom bench (${run.quick ? "quick" : "full"}) in ${tmp}`);
  const builds = await prepareBuilds(run, tmp, cleanup);
  const [current] = builds;
  const baselineWorker = baselineWorkerOptions(current.wranglerConfig);
  const startup = await measureStartup({
    app: current.options,
    baseline: baselineWorker,
    persistDir: path.join(tmp, "startup-state"),
    reps: run.settings.startupReps,
  });
  const workerLog = workerLogCounter();
  const runtime = await startRuntime({
    apps: builds.map((b) => b.options),
    baseline: baselineWorker,
    persistDir: path.join(tmp, "state"),
    onLog: workerLog.onLog,
    inspect: run.profiled.size > 0,
  });
  cleanup.push(() => runtime.mf.dispose());
  const workerdPids = findWorkerdPids();
  log(`workerd ready in ${Math.round(runtime.readyMs)} ms (pid ${workerdPids.join(", ") || "unknown"})`);

  const profiling = profilingPlan({
    profiled: run.profiled,
    inspectorUrl: runtime.inspectorUrl,
    moduleIndex: run.profiled.size > 0 ? bundleModuleIndex(current.bundle.main) : null,
    bundleFile: path.basename(current.bundle.main),
    resultsDir: RESULTS_DIR,
    stamp,
  });
  // Only this checkout's isolate is profiled (the inspector target is named after it).
  const noProfiling = { enabled: () => false, save: () => null };
  for (const build of builds)
    await seedBuild(run, build, runtime, workerdPids, build === current ? profiling : noProfiling);
  // Crons start once every build has its tables (a tick before migrations would only fail).
  const crons = builds.map((b) =>
    startCronTicker(runtime.mf, b.name, b.wranglerConfig.workerOptions.cronTriggers ?? [], log),
  );
  cleanup.push(async () => {
    for (const c of crons) c.stop();
  });
  const ctx = current.ctx;
  const measureBaseline = async (label, pathname = "/", duration = run.settings.durationS) => {
    await waitForQuiet(workerdPids);
    const request = () => ({ path: pathname });
    return ctx.load({ label, url: runtime.baselineUrl, duration, connections: run.settings.connections, request });
  };

  const before = await measureBaseline("baseline");
  for (const build of builds) build.ctx.baseline = before;
  // What one call to each local binding costs on its own: the floor under the scenarios.
  const bindingProbes = [];
  for (const [name, pathname, what] of BINDING_PROBES) {
    bindingProbes.push({
      name,
      what,
      load: await measureBaseline(`baseline + ${name}`, pathname, run.settings.bindingProbeS),
    });
  }
  const measurements = await runScenarios(run, builds, workerdPids, workerLog);
  const after = await measureBaseline("baseline (again)");
  for (const c of crons) c.stop();
  // Ratios use the mean of the two baselines; their difference shows how much the machine drifted.
  const baseline = { ...before, rps: (before.rps + after.rps) / 2, before, after };

  report(
    {
      startedAt,
      run,
      machine,
      builds: builds.map(({ key, label, commit }) => ({ key, label, commit })),
      dataset: current.dataset,
      migrations: current.migrations,
      bundle: current.bundle,
      startup,
      runtimeReadyMs: runtime.readyMs,
      baseline,
      bindingProbes,
      measurements,
      workerLogErrors: workerLog.errors,
      cronsFired: crons.flatMap((c) => c.fired),
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
