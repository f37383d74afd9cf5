// Runs the built bundle in workerd through Miniflare's API, with every binding that
// wrangler.toml declares (read by wrangler's own config reader, as `wrangler dev` and
// the vitest plugin do), next to a baseline worker that answers "200 ok".
//
// Both workers are reached through Miniflare's direct sockets: a workerd socket bound
// straight to the worker. Miniflare's usual entry URL goes through its own routing
// worker first (dev-only work that production does not do), which cut the baseline
// from ~22,000 to ~4,500 req/s on this machine.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const DIRECT_SOCKET = [{ host: "127.0.0.1", port: 0 }];
// "/" is the baseline: 200 ok and nothing else. The other paths add exactly one call to
// one local binding, which shows what each of Miniflare's simulators costs per call.
const BASELINE_SCRIPT = `
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  ping() { return 1; }
}
const CACHED = "https://bench.invalid/cached";
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/d1") await env.DB.prepare("SELECT 1").first();
    else if (path === "/ratelimit") await env.RATE_LIMIT.limit({ key: "bench" });
    else if (path === "/do") await env.COUNTER.get(env.COUNTER.idFromName("bench")).ping();
    else if (path === "/cache") {
      const hit = await caches.default.match(CACHED);
      if (hit) await hit.text();
      else await caches.default.put(CACHED, new Response("x".repeat(2048), { headers: { "cache-control": "max-age=3600" } }));
    }
    return new Response("ok");
  },
};`;
// The bench's rate limits: out of the way, like vitest.config.ts's API limit.
const BENCH_RATE_LIMIT = 1_000_000_000;

const MODULE_TYPES = [
  [/\.(m?js)$/, "ESModule"],
  [/\.cjs$/, "CommonJS"],
  [/\.wasm$/, "CompiledWasm"],
  [/\.(txt|html|sql)$/, "Text"],
  [/\.bin$/, "Data"],
];

/** Per-run secrets, generated fresh: nothing from .dev.vars leaks into a benchmark. */
export function generateSecrets() {
  return {
    JWT_SECRET: randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
}

/** The worker options wrangler itself derives from wrangler.toml, plus the config's vars. */
export async function readWranglerConfig(root = ROOT) {
  // wrangler reads .dev.vars when it exists and says so; the bench replaces those bindings anyway.
  process.env.WRANGLER_LOG ??= "warn";
  const wrangler = await import("wrangler");
  const configPath = path.join(root, "wrangler.toml");
  const config = wrangler.unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(configPath);
  return { workerOptions, vars: config.vars ?? {}, compatibilityDate: config.compatibility_date };
}

export function appWorkerOptions(wranglerConfig, bundle, secrets, name = "stockroom") {
  // Static assets only serve /docs; the bench leaves them (and the asset router in front) out.
  const { assets: _assets, bindings: _fromDevVars, ratelimits, ...options } = wranglerConfig.workerOptions;
  return {
    ...options,
    name,
    modulesRoot: bundle.dir,
    modules: bundle.modules.map((file) => ({
      type: MODULE_TYPES.find(([re]) => re.test(file))?.[1] ?? "ESModule",
      path: path.join(bundle.dir, file),
    })),
    bindings: {
      ...wranglerConfig.vars,
      REQUEST_LOG: "off",
      WEBHOOKS_ALLOW_INSECURE_LOCALHOST: "true",
      ...secrets,
    },
    ratelimits: Object.fromEntries(
      Object.entries(ratelimits ?? {}).map(([name, limit]) => [
        name,
        { ...limit, simple: { limit: BENCH_RATE_LIMIT, period: limit.simple?.period ?? 60 } },
      ]),
    ),
    unsafeDirectSockets: DIRECT_SOCKET,
  };
}

export function baselineWorkerOptions(wranglerConfig) {
  return {
    name: "baseline",
    modules: true,
    script: BASELINE_SCRIPT,
    compatibilityDate: wranglerConfig.workerOptions.compatibilityDate,
    compatibilityFlags: wranglerConfig.workerOptions.compatibilityFlags,
    d1Databases: { DB: "bench-baseline" },
    ratelimits: { RATE_LIMIT: { namespace_id: "9001", simple: { limit: BENCH_RATE_LIMIT, period: 60 } } },
    durableObjects: { COUNTER: { className: "Counter", useSQLite: true } },
    unsafeDirectSockets: DIRECT_SOCKET,
  };
}

/** The baseline worker's one-binding-call paths, for the "binding ceilings" lines. */
export const BINDING_PROBES = [
  ["d1", "/d1", "D1 SELECT 1"],
  ["ratelimit", "/ratelimit", "rate limit .limit()"],
  ["cache", "/cache", "caches.default.match (hit)"],
  ["do", "/do", "Durable Object RPC"],
];

function sharedOptions({ persistDir, onLog, inspect = false }) {
  return {
    ...(inspect ? { inspectorPort: 0 } : {}),
    logRequests: false,
    resourcePersistencePath: persistDir,
    handleStructuredLogs: onLog ?? (() => {}),
  };
}

async function firstResponse(url, expectStatus, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === expectStatus) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`No ${expectStatus} from ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Start-up cost: time from `new Miniflare(...)` to the first answer, for the app alone
 * and for the baseline alone (median of `reps`). Their difference is what this
 * script adds to a cold start: compiling and evaluating the bundle's top level.
 */
export async function measureStartup({ app, baseline, persistDir, reps }) {
  const time = async (worker, probePath, status) => {
    const started = performance.now();
    const mf = new Miniflare(convertV4MiniflareOptions({ ...sharedOptions({ persistDir }), workers: [worker] }));
    try {
      const url = await mf.unsafeGetDirectURL(worker.name);
      await firstResponse(new URL(probePath, url), status);
      return performance.now() - started;
    } finally {
      await mf.dispose();
    }
  };
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const appMs = [];
  const baselineMs = [];
  for (let i = 0; i < reps; i++) {
    baselineMs.push(await time(baseline, "/", 200));
    appMs.push(await time(app, "/health", 200));
  }
  const appMedian = median(appMs);
  const baselineMedian = median(baselineMs);
  return {
    app_ms: appMedian,
    baseline_ms: baselineMedian,
    script_ms: Math.max(0, appMedian - baselineMedian),
    reps,
  };
}

/**
 * The bench runtime: the app builds (the first is also Miniflare's entry; with
 * `--against`, the reference build next to it) and the baseline, in one workerd. `inspect` opens workerd's V8 inspector, for --profile only.
 */
export async function startRuntime({ apps, baseline, persistDir, onLog, inspect }) {
  const started = performance.now();
  const mf = new Miniflare(
    convertV4MiniflareOptions({ ...sharedOptions({ persistDir, onLog, inspect }), workers: [...apps, baseline] }),
  );
  const appUrls = {};
  for (const app of apps) {
    appUrls[app.name] = await mf.unsafeGetDirectURL(app.name);
    await firstResponse(new URL("/health", appUrls[app.name]), 200);
  }
  const baselineUrl = await mf.unsafeGetDirectURL("baseline");
  await firstResponse(baselineUrl, 200);
  const readyMs = performance.now() - started;
  return { mf, appUrls, baselineUrl, readyMs, inspectorUrl: inspect ? await mf.getInspectorURL() : null };
}
