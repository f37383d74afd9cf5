// Runs the project's own wrangler with the Node running this script (npm run puts the
// project's Node 22 first on PATH; wrangler's own shebang would pick whatever `node` is).
import { spawnSync } from "node:child_process";
import path from "node:path";

const WRANGLER_JS = path.join(import.meta.dirname, "..", "..", "node_modules", "wrangler", "bin", "wrangler.js");

/** The command and leading arguments that start wrangler, for spawn(). */
export const WRANGLER = [process.execPath, WRANGLER_JS];

// No usage metrics and no update check from the helper commands: they print nothing useful
// locally and, offline, an update check fails with a stack trace.
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/**
 * Runs wrangler. With `quiet`, its output is kept and shown only if it fails, so a first
 * start prints one line per step instead of wrangler's tables.
 */
export function wrangler(args, { capture = false, quiet = false } = {}) {
  const result = spawnSync(WRANGLER[0], [WRANGLER[1], ...args], {
    stdio: capture || quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
    env: WRANGLER_ENV,
  });
  if (result.status !== 0) {
    if (capture || quiet) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    throw new Error(`wrangler ${args.join(" ")} failed: ${result.error?.message ?? `exit code ${result.status}`}`);
  }
  return result.stdout ?? "";
}

/** Runs one SQL query through `wrangler d1 execute` and returns its rows. */
export function d1Query(sql, target, extraArgs = []) {
  const out = wrangler(["d1", "execute", "DB", target, ...extraArgs, "--json", "--command", sql], { capture: true });
  const parsed = JSON.parse(out);
  return parsed[0]?.results ?? [];
}
