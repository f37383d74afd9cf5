// What every scenario gets: the API client and D1 binding, the data set, signed-in
// tokens, helpers for picking data and checking answers, and `load()`, which runs a
// load against the app (warm-up first for timed runs; profiled when asked).
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runLoad } from "./load.mjs";
import { startProfiling, summarizeProfile } from "./profile.mjs";
import { insertScenarioProducts, seededRandom } from "./seed/catalog.mjs";
import { ADMIN_EMAIL, customerEmail } from "./seed/users.mjs";

const APP_INSPECTOR_TARGET = "core:user:stockroom";
const TOKEN_REUSE_MS = 10 * 60_000; // access tokens live 15 minutes

/** Signs in through the API, reusing a token while it is fresh. */
export function sessionCache(api) {
  const sessions = new Map();
  return async (email, password) => {
    const cached = sessions.get(email);
    if (cached && Date.now() - cached.at < TOKEN_REUSE_MS) return cached.token;
    const res = await api.expect(200, "POST", "/v1/auth/login", { body: { email, password } });
    sessions.set(email, { token: res.body.access_token, at: Date.now() });
    return res.body.access_token;
  };
}

export function createContext({ run, runtime, appUrl, api, db, dataset, login, workerdPids, profiling }) {
  const rand = seededRandom(42);
  const { settings } = run;
  const ctx = {
    quick: run.quick,
    settings,
    api,
    db,
    dataset,
    progress: (msg) => process.stderr.write(`${msg}\n`),
    currentScenario: null,
    /** The baseline's load, once measured: CPU figures are given above it. */
    baseline: null,

    adminToken: () => login(ADMIN_EMAIL, dataset.password),
    async customerTokens(n) {
      const tokens = [];
      for (let i = 1; i <= Math.min(n, dataset.customers.length); i++) {
        tokens.push(await login(customerEmail(i), dataset.password));
      }
      return tokens;
    },
    scenarioProducts: (count, label) => insertScenarioProducts(db, count, label, dataset.categories),
    runTag: () => `bench-${randomBytes(6).toString("hex")}`,
    randomInt: (n) => Math.floor(rand() * n),
    sampleDistinct(list, k) {
      const picked = new Set();
      while (picked.size < Math.min(k, list.length)) picked.add(list[Math.floor(rand() * list.length)]);
      return [...picked];
    },

    checkStatuses(load, allowed) {
      const other = Object.keys(load.statuses).filter((code) => !allowed.includes(Number(code)));
      return {
        name: `only ${allowed.join("/")} answers`,
        ok: other.length === 0 && load.errors === 0 && load.timeouts === 0,
        detail: `statuses ${JSON.stringify(load.statuses)}, ${load.errors} errors, ${load.timeouts} timeouts`,
      };
    },
    /** workerd CPU per request above the baseline's: what the request costs beyond serving HTTP at all. */
    workerCpuPerRequest(load) {
      const own = load?.cpu_ms_per_request?.workerd;
      const base = ctx.baseline?.cpu_ms_per_request?.workerd;
      return own == null || base == null ? null : own - base;
    },

    async load({ url = appUrl, duration = settings.durationS, amount, ...options }) {
      if (amount === undefined && settings.warmupS > 0) {
        await runLoad({ ...options, url, duration: settings.warmupS, label: `${options.label} (warm-up)` });
      }
      const profile = profiling.enabled(ctx.currentScenario);
      const stop = profile ? await startProfiling(runtime.inspectorUrl, APP_INSPECTOR_TARGET) : null;
      const load = await runLoad({ ...options, url, duration, amount, workerdPids });
      if (stop) load.profile = profiling.save(options.label, await stop());
      return load;
    },
  };
  return ctx;
}

/** Which loads to profile, and where their raw profiles go (bench/results/<stamp>-<label>.cpuprofile). */
export function profilingPlan({ profiled, inspectorUrl, moduleIndex, bundleFile, resultsDir, stamp }) {
  return {
    enabled: (scenario) => Boolean(inspectorUrl && scenario && (profiled.has("all") || profiled.has(scenario))),
    save(label, profile) {
      mkdirSync(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `${stamp}-${label}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return { ...summarizeProfile(profile, moduleIndex, bundleFile), saved_to: file };
    },
  };
}
