// Verdicts against the targets, the printed table, and the results file.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { farRoundTrips, modelledP50, RTT_TO_ENAM_MS } from "./latency-model.mjs";

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "–"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function describeTarget(target) {
  if (!target) return "";
  switch (target.kind) {
    case "ratio":
      return `≥ ${target.min.toFixed(2)} × baseline`;
    case "latency":
      return `p99 < ${target.p99Ms} ms`;
    case "rate":
      return `≥ ${fmt(target.min)}/s${target.p99Ms ? `, p99 < ${target.p99Ms} ms` : ""}`;
    case "gate":
      return "correctness gate";
    default:
      return "reported";
  }
}

/** pass / short / FAIL (a check failed) / reported / skipped / error, with the reason. */
export function verdict(m, baselineRps) {
  if (m.skipped) return { result: "skipped", why: m.skipped };
  if (m.error) return { result: "error", why: m.error };
  const failed = (m.checks ?? []).filter((c) => !c.ok);
  if (failed.length > 0) return { result: "FAIL", why: failed.map((c) => `${c.name}: ${c.detail}`).join("; ") };
  const t = m.target;
  const p99 = m.load?.latency_ms?.p99;
  switch (t.kind) {
    case "ratio": {
      const ratio = m.load.rps / baselineRps;
      return ratio >= t.min ? { result: "pass" } : { result: "short", why: `${ratio.toFixed(2)} < ${t.min}` };
    }
    case "latency":
      return p99 !== null && p99 < t.p99Ms ? { result: "pass" } : { result: "short", why: `p99 ${fmt(p99, 1)} ms` };
    case "rate": {
      const rateOk = m.rate.value >= t.min;
      const latencyOk = !t.p99Ms || (p99 !== null && p99 < t.p99Ms);
      if (rateOk && latencyOk) return { result: "pass" };
      const why = [!rateOk && `${fmt(m.rate.value)} ${m.rate.unit}`, !latencyOk && `p99 ${fmt(p99, 1)} ms`];
      return { result: "short", why: why.filter(Boolean).join(", ") };
    }
    case "gate":
      return { result: "pass" };
    default:
      return { result: "reported" };
  }
}

function row(cells, widths) {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
}

const REGIONS = Object.keys(RTT_TO_ENAM_MS);
const REGION_CODES = { Frankfurt: "FRA", "São Paulo": "GRU", Sydney: "SYD" };

/** The row's name: with `--against`, the ref's rows carry the ref's name. */
const rowName = (m, builds) =>
  m.build === "ref" ? `${m.name} [${builds?.find((b) => b.key === "ref")?.label.split(" ")[0]}]` : m.name;

/** Round trips (to the database's region) and D1 statements per request, and the modelled p50s at the edge. */
function costCells(l) {
  const rt = farRoundTrips(l.server_timing);
  const statements = l.server_timing ? (l.server_timing.kinds.d1?.units ?? 0) : null;
  return [
    fmt(rt, 1),
    fmt(statements, 1),
    ...REGIONS.map((region) => fmt(modelledP50(l.latency_ms.p50, rt, region), 0)),
  ];
}

export function printTable(measurements, baseline, out = console.log, builds = null) {
  const header = [
    "scenario",
    "conc",
    "requests",
    "req/s",
    "ratio",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "CPU ms/req",
    "RT/req",
    "D1 stmts",
    ...REGIONS.map((r) => `p50 ${REGION_CODES[r]}`),
    "target",
    "result",
  ];
  const lines = [];
  const base = baseline.load;
  lines.push([
    "baseline (200 ok)",
    fmt(base.connections),
    fmt(base.requests),
    fmt(base.rps),
    "1.00",
    fmt(base.latency_ms.p50, 2),
    fmt(base.latency_ms.p95, 2),
    fmt(base.latency_ms.p99, 2),
    fmt(base.cpu_ms_per_request?.workerd, 3),
    ...REGIONS.map(() => ""),
    "",
    "",
    "",
    "",
  ]);
  for (const m of measurements) {
    const v = verdict(m, base.rps);
    if (!m.load) {
      const blanks = header.slice(1, -2).map(() => "");
      lines.push([rowName(m, builds), ...blanks, describeTarget(m.target), v.why ? `${v.result}: ${v.why}` : v.result]);
      continue;
    }
    const l = m.load;
    const rate = m.rate ? `${fmt(m.rate.value)}` : fmt(l.rps);
    lines.push([
      rowName(m, builds),
      fmt(l.connections),
      fmt(l.requests),
      rate,
      m.target?.kind === "ratio" || !m.rate ? (l.rps / base.rps).toFixed(2) : "",
      fmt(l.latency_ms.p50, 1),
      fmt(l.latency_ms.p95, 1),
      fmt(l.latency_ms.p99, 1),
      fmt(l.cpu_ms_per_request?.workerd, 2),
      ...costCells(l),
      describeTarget(m.target),
      v.result,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  out(row(header, widths));
  out(widths.map((w) => "─".repeat(w)).join("  "));
  for (const l of lines) out(row(l, widths));
  // Units where the req/s column holds another rate, then every reason a row is not a pass.
  const details = [];
  for (const m of measurements) {
    if (m.build === "ref") continue;
    const v = verdict(m, base.rps);
    if (m.rate) details.push(`${m.name}: req/s column is ${m.rate.unit}`);
    if (v.why && v.result !== "skipped") details.push(`${m.name} ${v.result}: ${v.why}`);
    for (const note of m.notes ?? []) details.push(`${m.name}: ${note}`);
  }
  if (details.length > 0) {
    out("");
    for (const d of details) out(`  · ${d}`);
  }
}

const rateOf = (m) => (m.rate ? m.rate.value : m.load.rps);
const ratio = (a, b) => (a == null || b == null || b === 0 ? "–" : `${(a / b).toFixed(2)}×`);

/** `--against`: this build's figures as ratios to the ref's, scenario by scenario (same run, same workerd). */
export function comparisons(measurements) {
  const ref = new Map(measurements.filter((m) => m.build === "ref" && m.load).map((m) => [m.name, m]));
  return measurements
    .filter((m) => m.build === "this" && m.load && ref.has(m.name))
    .map((m) => {
      const r = ref.get(m.name);
      return {
        name: m.name,
        throughput: rateOf(m) / rateOf(r),
        cpu: m.load.cpu_ms_per_request?.workerd / r.load.cpu_ms_per_request?.workerd,
        p50: m.load.latency_ms.p50 / r.load.latency_ms.p50,
        round_trips: [farRoundTrips(r.load.server_timing), farRoundTrips(m.load.server_timing)],
        statements: [r.load.server_timing?.kinds.d1?.units, m.load.server_timing?.kinds.d1?.units],
        cpus: [r.load.cpu_ms_per_request?.workerd, m.load.cpu_ms_per_request?.workerd],
        rates: [rateOf(r), rateOf(m)],
      };
    });
}

export function printComparison(measurements, refLabel, out = console.log) {
  out("");
  out(`this checkout vs ${refLabel}, same run (ratios: this ÷ ref; round trips and statements: ref → this):`);
  for (const c of comparisons(measurements)) {
    out(
      `  ${c.name.padEnd(16)} throughput ${ratio(c.rates[1], c.rates[0]).padStart(6)}  CPU/req ${ratio(c.cpus[1], c.cpus[0]).padStart(6)} (${fmt(c.cpus[0], 2)} → ${fmt(c.cpus[1], 2)} ms)  p50 ${c.p50.toFixed(2)}×  RT/req ${fmt(c.round_trips[0], 1)} → ${fmt(c.round_trips[1], 1)}  D1 statements ${fmt(c.statements[0], 1)} → ${fmt(c.statements[1], 1)}`,
    );
  }
}

/** Edge vs Smart Placement, per scenario and region, from this build's round trips (bench/lib/latency-model.mjs). */
export function printPlacement(measurements, out = console.log) {
  out("");
  out(
    `modelled p50 (ms), Worker at the edge vs placed next to the database (Smart Placement), ${REGIONS.join(" / ")}:`,
  );
  for (const m of measurements.filter((x) => x.build === "this" && x.load?.server_timing)) {
    const rt = farRoundTrips(m.load.server_timing);
    const cells = (placement) =>
      REGIONS.map((r) => fmt(modelledP50(m.load.latency_ms.p50, rt, r, placement), 0)).join(" / ");
    out(
      `  ${m.name.padEnd(16)} ${fmt(rt, 1).padStart(4)} RT   edge ${cells("edge").padEnd(16)} placed ${cells("smart")}`,
    );
  }
}

export function writeResults(dir, stamp, report) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
