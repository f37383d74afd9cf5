// What ran the benchmark: the machine, the versions, and the commit (read only).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, "..", "..");

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    return null;
  }
}

function git(args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  const status = git(["status", "--porcelain"]);
  return {
    hostname: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? null,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    versions: {
      node: process.versions.node,
      workerd: packageVersion("workerd"),
      wrangler: packageVersion("wrangler"),
      miniflare: packageVersion("miniflare"),
      autocannon: packageVersion("autocannon"),
    },
    git: { commit: git(["rev-parse", "HEAD"]), uncommitted_changes: status === null ? null : status.length > 0 },
  };
}
