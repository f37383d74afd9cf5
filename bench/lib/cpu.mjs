// CPU time of the workerd process, read from /proc (Linux). workerd runs the worker,
// D1's SQLite, the Durable Objects and the queues in one process, so its CPU per
// request is the whole server-side cost of a request on this machine. (workerd's own
// per-request figure, `cpuTime` in tail events, is always 0 outside Cloudflare.)
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** [pid, ppid, comm, utime + stime in ticks] from /proc/<pid>/stat, or null. */
function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat
      .slice(close + 2)
      .split(" ")
      .map((f) => Number(f));
    // After "(comm) ": state ppid … utime is field 14 of the line, index 11 here; stime follows.
    return { pid, ppid: fields[1], comm, ticks: fields[11] + fields[12] };
  } catch {
    return null;
  }
}

/** The workerd processes started by this Node process (Miniflare spawns workerd directly). */
export function findWorkerdPids() {
  let entries;
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries
    .map((name) => readStat(Number(name)))
    .filter((s) => s !== null && s.ppid === process.pid && s.comm.startsWith("workerd"))
    .map((s) => s.pid);
}

/** Total CPU milliseconds used so far by these processes (null when /proc is not readable). */
export function cpuMs(pids) {
  if (pids.length === 0) return null;
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat === null) return null;
    ticks += stat.ticks;
  }
  return (ticks * 1000) / clockTicks();
}

/**
 * Waits until workerd has gone quiet (under `threshold` of one core over `windowMs`),
 * so one scenario's background work (queue consumers, projection flushes) is not
 * measured as the next one's cost. Returns the milliseconds waited.
 */
export async function waitForQuiet(pids, { threshold = 0.05, windowMs = 500, timeoutMs = 60_000 } = {}) {
  const started = Date.now();
  if (cpuMs(pids) === null) return 0;
  for (;;) {
    const before = cpuMs(pids);
    await new Promise((r) => setTimeout(r, windowMs));
    const used = cpuMs(pids) - before;
    if (used / windowMs < threshold || Date.now() - started > timeoutMs) return Date.now() - started;
  }
}

/** Starts a CPU stopwatch over workerd and this Node process (the load generator). */
export function cpuStopwatch(pids) {
  const workerdStart = cpuMs(pids);
  const nodeStart = process.cpuUsage();
  return () => {
    const workerdEnd = cpuMs(pids);
    const node = process.cpuUsage(nodeStart);
    return {
      workerd_ms: workerdStart === null || workerdEnd === null ? null : workerdEnd - workerdStart,
      node_ms: (node.user + node.system) / 1000,
    };
  };
}
