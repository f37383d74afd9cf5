// Runs the project's own wrangler (node_modules/.bin comes first on PATH under npm run).
import { spawnSync } from "node:child_process";

export function wrangler(args, { capture = false } = {}) {
  const result = spawnSync("wrangler", args, {
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed with exit code ${result.status}`);
  }
  return result.stdout ?? "";
}

/** Runs one SQL query through `wrangler d1 execute` and returns its rows. */
export function d1Query(sql, target) {
  const out = wrangler(["d1", "execute", "DB", target, "--json", "--command", sql], { capture: true });
  const parsed = JSON.parse(out);
  return parsed[0]?.results ?? [];
}
