// Verdicts against the targets, the printed table, and the results file.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

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

export function printTable(measurements, baseline, out = console.log) {
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
    "",
    "",
  ]);
  for (const m of measurements) {
    const v = verdict(m, base.rps);
    if (!m.load) {
      lines.push([m.name, "", "", "", "", "", "", "", "", describeTarget(m.target), `${v.result}: ${v.why}`]);
      continue;
    }
    const l = m.load;
    const rate = m.rate ? `${fmt(m.rate.value)}` : fmt(l.rps);
    lines.push([
      m.name,
      fmt(l.connections),
      fmt(l.requests),
      rate,
      m.target?.kind === "ratio" || !m.rate ? (l.rps / base.rps).toFixed(2) : "",
      fmt(l.latency_ms.p50, 1),
      fmt(l.latency_ms.p95, 1),
      fmt(l.latency_ms.p99, 1),
      fmt(l.cpu_ms_per_request?.workerd, 2),
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

export function writeResults(dir, stamp, report) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
