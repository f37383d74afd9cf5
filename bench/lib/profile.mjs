// A sampling CPU profile of the app's isolate (the worker and its Durable Objects)
// through workerd's V8 inspector, summarised by where the time went: our modules,
// each npm package in the bundle (hono, zod, drizzle-orm, jose, …), workerd's own JS
// glue for bindings (cloudflare-internal:d1-api, …) and V8/runtime built-ins.
// Miniflare's simulators of D1, queues, the cache and rate limits run in other
// isolates of the same process and are not in it: compare the profile's time per
// request with workerd's CPU per request to see their share.
import { readFileSync } from "node:fs";

const SAMPLING_INTERVAL_US = 200;
const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

class Session {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.nextId = 1;
    this.pending = new Map();
    this.ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data));
      const waiter = this.pending.get(msg.id);
      if (waiter) {
        this.pending.delete(msg.id);
        if (msg.error) waiter.reject(new Error(msg.error.message));
        else waiter.resolve(msg.result);
      }
    });
    this.open = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", resolve, { once: true });
      this.ws.addEventListener("error", reject, { once: true });
    });
  }
  send(method, params = {}) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  close() {
    this.ws.close();
  }
}

/** Module boundaries in the (unminified) bundle: esbuild writes `// <path>` before each module. */
export function bundleModuleIndex(bundlePath) {
  const lines = readFileSync(bundlePath, "utf8").split("\n");
  const starts = [];
  lines.forEach((line, i) => {
    const match = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(line);
    if (match) starts.push([i, match[1]]);
  });
  return starts;
}

/** node_modules/@scope/pkg/… → @scope/pkg; src/modules/x/… → src/modules/x; src/lib/… → src/lib */
function groupOf(modulePath) {
  const parts = modulePath.split("/");
  if (parts[0] === "node_modules") {
    const last = parts.lastIndexOf("node_modules");
    const rest = parts.slice(last + 1);
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return parts[1] === "modules" || parts[1] === "durable" ? parts.slice(0, 3).join("/") : parts.slice(0, 2).join("/");
}

function moduleAt(index, line) {
  let lo = 0;
  let hi = index.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid][0] <= line) {
      found = index[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Self time per node id, in ms, from the samples and their time deltas. */
function selfTimes(profile) {
  const times = new Map();
  profile.samples.forEach((id, i) => {
    times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return times;
}

export function summarizeProfile(profile, moduleIndex, bundleFile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map();
  const functions = new Map();
  let busyMs = 0;
  for (const [id, ms] of selfTimes(profile)) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || "(anonymous)";
    if (name === "(idle)") continue;
    busyMs += ms;
    let group;
    let where;
    if (SPECIAL.has(name)) group = name;
    else if (!frame.url) group = "V8 / runtime built-ins";
    else if (frame.url === bundleFile) {
      where = moduleAt(moduleIndex, frame.lineNumber);
      group = where ? groupOf(where) : "bundle (other)";
    } else group = frame.url.replace(/^cloudflare-internal:/, "workerd:");
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const key = `${name} @ ${where ?? (frame.url ? frame.url.split("/").pop() : "native")}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: busyMs ? ms / busyMs : 0 }));
  return { busy_ms: Math.round(busyMs), groups: top(groups, 12), functions: top(functions, 15) };
}

/** Starts profiling one isolate (inspector target id, e.g. `core:user:stockroom`); `stop()` returns the profile. */
export async function startProfiling(inspectorUrl, targetId) {
  const httpBase = inspectorUrl.href.replace(/^ws/, "http");
  const targets = await (await fetch(new URL("/json/list", httpBase))).json();
  const target = targets.find((t) => t.id === targetId);
  if (!target) throw new Error(`No inspector target ${targetId} (have ${targets.map((t) => t.id).join(", ")})`);
  const session = new Session(target.webSocketDebuggerUrl);
  await session.open;
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await session.send("Profiler.start");
  return async () => {
    const { profile } = await session.send("Profiler.stop");
    session.close();
    return profile;
  };
}

export function printProfile(label, summary, requests, out) {
  out(
    `profile ${label}: app isolate busy ${(summary.busy_ms / requests).toFixed(2)} ms/request (sampled; includes the profiler's own cost)`,
  );
  out(
    `    by module: ${summary.groups
      .slice(0, 10)
      .map((g) => `${g.name} ${(g.share * 100).toFixed(0)}%`)
      .join(", ")}`,
  );
  out(
    `    top functions: ${summary.functions
      .slice(0, 8)
      .map((f) => `${f.name} ${(f.share * 100).toFixed(1)}%`)
      .join("; ")}`,
  );
}
