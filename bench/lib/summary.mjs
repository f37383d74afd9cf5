// The printed summary (header lines, the table, CPU and profiles) and the results file.
import path from "node:path";
import { printProfile } from "./profile.mjs";
import { comparisons, printComparison, printPlacement, printTable, verdict, writeResults } from "./report.mjs";

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const n = (x) => Math.round(x).toLocaleString("en-US");

function headerLines(r, ctx) {
  const { machine: m, run, dataset, bundle, startup, baseline } = r;
  const t = dataset.timings;
  const orders = dataset.orders.skipped
    ? `orders not seeded (${dataset.orders.skipped})`
    : `${n(dataset.orders.orders)} historical orders`;
  const drift = ((baseline.after.rps - baseline.before.rps) / baseline.before.rps) * 100;
  return [
    `Stockroom bench — ${run.quick ? "QUICK: smaller data set and runs" : "full"} (timed runs ${run.settings.durationS} s) — ${r.startedAt}`,
    `machine: ${m.cpus} × ${m.cpu_model}, ${m.memory_gib} GiB, load ${m.load_average_at_start.join(" ")}; node ${m.versions.node}, workerd ${m.versions.workerd}, wrangler ${m.versions.wrangler}, miniflare ${m.versions.miniflare}`,
    ...(r.builds.length > 1
      ? [`builds, same workerd, each scenario on both in turn: ${r.builds.map((b) => b.label).join(" and ")}`]
      : []),
    `data: ${n(run.sizes.products)} products in ${run.sizes.categories} categories with stock, ${n(run.sizes.customers)} customers, ${orders}`,
    `seeding: ${s(t.total_ms)} (users ${s(t.users_ms)}, catalog SQL ${s(t.catalog_ms)}, stock via API ${s(t.stock_ms)}, orders SQL ${s(t.orders_ms)}), then ${s(t.settle_ms)} until workerd was quiet`,
    `bundle: ${(bundle.rawBytes / 1024).toFixed(1)} KiB raw, ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip; start-up (new workerd to first answer, median of ${startup.reps}): app ${n(startup.app_ms)} ms, baseline ${n(startup.baseline_ms)} ms → script ≈ ${n(startup.script_ms)} ms`,
    `cron triggers fired as the platform would (Miniflare does not): ${r.cronsFired.length} (${[...new Set(r.cronsFired.map((c) => c.cron))].join(", ") || "none due"})`,
    `baseline: ${n(baseline.before.rps)} req/s before, ${n(baseline.after.rps)} after (${drift.toFixed(0)} % drift); ratios use the mean, ${n(baseline.rps)}`,
    `one binding call on top of the baseline (Miniflare's local simulators): ${r.bindingProbes
      .map(
        (b) =>
          `${b.what} ${n(b.load.rps)} req/s (${(b.load.rps / baseline.rps).toFixed(2)}), +${ctx.workerCpuPerRequest(b.load)?.toFixed(2) ?? "–"} ms CPU`,
      )
      .join("; ")}`,
  ];
}

/** Prints everything and writes bench/results/<stamp>.json; returns that file's path. */
export function report(r, ctx, resultsDir, stamp) {
  const printed = [];
  const print = (line = "") => {
    printed.push(line);
    console.log(line);
  };
  print();
  for (const line of headerLines(r, ctx)) print(line);
  print();
  printTable(r.measurements, { load: r.baseline }, print, r.builds);
  const ref = r.builds.find((b) => b.key === "ref");
  if (ref) printComparison(r.measurements, ref.label, print);
  printPlacement(r.measurements, print);
  const cpu = r.measurements
    .filter((m) => m.cpuReport && m.load && m.build === "this")
    .map((m) => `${m.name} ${ctx.workerCpuPerRequest(m.load)?.toFixed(2) ?? "–"} ms`);
  print();
  print(
    `CPU per request above the baseline (workerd process CPU from /proc): ${cpu.join(", ") || "–"}. workerd itself reports no per-request CPU locally (tail events carry cpuTime 0).`,
  );
  if (r.workerLogErrors > 0) print(`the worker logged ${r.workerLogErrors} errors/warnings during the run`);
  for (const m of r.measurements.filter((x) => x.load?.profile && x.build === "this")) {
    print();
    printProfile(m.name, m.load.profile, m.load.requests, print);
    print(
      `    raw profile (Chrome DevTools → Performance → Load profile): ${path.relative(process.cwd(), m.load.profile.saved_to)}`,
    );
  }

  const file = writeResults(resultsDir, stamp, {
    started_at: r.startedAt,
    builds: r.builds,
    against: r.builds.some((b) => b.key === "ref") ? comparisons(r.measurements) : null,
    mode: r.run.quick ? "quick" : "full",
    settings: r.run.settings,
    machine: r.machine,
    dataset: { sizes: r.run.sizes, timings_ms: r.dataset.timings, orders: r.dataset.orders },
    migrations: r.migrations,
    bundle: {
      raw_bytes: r.bundle.rawBytes,
      gzip_bytes: r.bundle.gzipBytes,
      build_ms: r.bundle.buildMs,
      modules: r.bundle.modules,
    },
    startup_ms: r.startup,
    runtime_ready_ms: r.runtimeReadyMs,
    crons_fired: r.cronsFired,
    baseline: { rps_mean: r.baseline.rps, before: r.baseline.before, after: r.baseline.after },
    binding_probes: r.bindingProbes.map((b) => ({
      ...b,
      ratio: b.load.rps / r.baseline.rps,
      cpu_ms_per_call: ctx.workerCpuPerRequest(b.load),
    })),
    scenarios: r.measurements.map((m) => ({
      ...m,
      ratio: m.load ? m.load.rps / r.baseline.rps : null,
      worker_cpu_ms_per_request: m.load ? ctx.workerCpuPerRequest(m.load) : null,
      verdict: verdict(m, r.baseline.rps),
    })),
    printed: printed.join("\n"),
  });
  print(`results: ${path.relative(process.cwd(), file)}`);
  return file;
}
