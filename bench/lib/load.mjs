// The load generator: autocannon with a fixed number of connections (one request in
// flight on each, no pipelining), for a fixed duration or a fixed number of requests.
// Every latency is kept (autocannon's own histogram has no p95), every status counted,
// and each request can be built per call (unique idempotency keys, rotating URLs).
import autocannon from "autocannon";
import { cpuStopwatch } from "./cpu.mjs";
import { serverTimingTally } from "./server-timing.mjs";

const progressToTty = process.stderr.isTTY;

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function summarizeLatencies(values) {
  const sorted = Float64Array.from(values).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : null,
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

function progressLine(label, elapsedS, counter, total, statuses) {
  const rate = elapsedS > 0 ? Math.round(total / elapsedS) : 0;
  const codes = Object.entries(statuses)
    .map(([code, n]) => `${code}:${n}`)
    .join(" ");
  return `  ${label.padEnd(22)} ${elapsedS.toFixed(0).padStart(3)}s  ${String(total).padStart(7)} req  ${String(rate).padStart(6)} req/s  (last second ${counter})  ${codes}`;
}

/**
 * Runs one load. `request(i, context)` returns `{ method, path, headers, body }` for the
 * i-th request (context is per connection); `onResponse(status, body, headers, context)`
 * sees each answer when given. Returns throughput, latency percentiles (ms), statuses,
 * the CPU used by workerd and by this process while it ran, and the mean round trips
 * and statements per request from the answers' Server-Timing headers.
 */
export async function runLoad({
  label,
  url,
  connections,
  duration,
  amount,
  request,
  onResponse,
  workerdPids = [],
  // Fixed-count runs verify every answer, so a slow answer must not be given up on.
  timeoutS = amount === undefined ? 30 : 300,
}) {
  const latencies = [];
  const statuses = {};
  let issued = 0;
  const timing = serverTimingTally();
  const spec = {
    setupRequest: (req, context) => ({
      ...req,
      method: "GET",
      headers: {},
      body: undefined,
      ...request(issued++, context),
    }),
    onResponse: (status, body, context, headers) => {
      timing.add(headers);
      onResponse?.(status, body, headers, context);
    },
  };
  const stopCpu = cpuStopwatch(workerdPids);
  const started = performance.now();
  const instance = autocannon({
    url: url.href ?? url,
    connections,
    pipelining: 1,
    timeout: timeoutS,
    ...(amount !== undefined ? { amount } : { duration }),
    requests: [spec],
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  let lastPrint = 0;
  instance.on("tick", ({ counter }) => {
    const elapsed = (performance.now() - started) / 1000;
    const line = progressLine(label, elapsed, counter, latencies.length, statuses);
    if (progressToTty) process.stderr.write(`\r${line}\x1b[K`);
    else if (elapsed - lastPrint >= 5) {
      lastPrint = elapsed;
      process.stderr.write(`${line}\n`);
    }
  });
  const result = await instance;
  if (progressToTty) process.stderr.write("\r\x1b[K");
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = stopCpu();
  const count = latencies.length;
  return {
    connections,
    requests: count,
    duration_s: elapsedS,
    rps: count / elapsedS,
    latency_ms: summarizeLatencies(latencies),
    statuses,
    errors: result.errors,
    server_timing: timing.perRequest(),
    timeouts: result.timeouts,
    cpu_ms_per_request: {
      workerd: cpu.workerd_ms === null || count === 0 ? null : cpu.workerd_ms / count,
      load_generator: count === 0 ? null : cpu.node_ms / count,
    },
  };
}
