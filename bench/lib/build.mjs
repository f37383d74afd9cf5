// Builds the worker exactly as `wrangler deploy` would upload it, with `--dry-run`:
// the same esbuild bundle, no account and no network.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Environment that keeps wrangler off the network: no metrics, no update check (it runs with the banner). */
export const OFFLINE_WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** Builds the worker at `root` (this checkout, or a reference checkout for `--against`). */
export function buildWorker(outdir, root = ROOT) {
  // wrangler.toml declares static assets, and wrangler refuses a missing directory.
  if (!existsSync(path.join(root, "public", "docs", "assets"))) {
    throw new Error(
      "public/docs/assets is missing: run `npm run bench` (its prebench step copies it) or `npm run pretest`.",
    );
  }
  const cli = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...OFFLINE_WRANGLER_ENV },
  });
  if (result.status !== 0) {
    throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
  }
  const buildMs = performance.now() - started;
  // What would be uploaded: every module in the out dir (source maps and the README are not code).
  const modules = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const raw = modules.map((f) => readFileSync(path.join(outdir, f)));
  return {
    main: path.join(outdir, "index.js"),
    dir: outdir,
    modules,
    buildMs,
    rawBytes: raw.reduce((n, b) => n + b.byteLength, 0),
    gzipBytes: raw.reduce((n, b) => n + gzipSync(b).byteLength, 0),
  };
}
