// `npm run tour [-- --port 8790] [--keep] [--base URL]`: runs the README's tour against a
// fresh dev server.
//
// The tour is every fenced block whose info string is `sh tour` in README.md, in order,
// run as ONE bash script (so variables captured in one block are there in the next) with
// `set -Eeuo pipefail`: the first failing command, e.g. a `curl --fail-with-body` that got a
// non-2xx answer, ends the tour and names its README line. Plain `sh` blocks are not run.
//
// The server is `npm run dev` on a free port (or --port) with its state in a new temporary
// directory, so the tour always starts from the demo data alone. The blocks get BASE (the
// server's URL) and WEBHOOK_PORT (a free port for the local webhook receiver) in their
// environment. --keep leaves the state directory for a look afterwards. --base runs the
// tour against a server you started yourself, on whatever state it has (the tour expects
// the demo data alone: `npm run dev -- --reset`).
import { fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "./lib/ports.mjs";

const ROOT = path.join(import.meta.dirname, "..");
const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT },
    "inspector-port": { type: "string", default: process.env.INSPECTOR_PORT },
    "webhook-port": { type: "string", default: process.env.WEBHOOK_PORT },
    keep: { type: "boolean", default: false },
    base: { type: "string" },
  },
});

/**
 * The tour as a bash script whose line N is README line N: tour blocks keep their lines,
 * everything else becomes blank (a fence becomes an echo naming the block), so $LINENO in
 * the error trap is the README line of the failing command.
 */
function tourScript(readme) {
  const lines = readme.split("\n");
  const out = lines.map(() => "");
  let inTour = false;
  let fence = false;
  let heading = "";
  let blocks = 0;
  for (const [index, line] of lines.entries()) {
    if (!fence && /^#{2,4} /.test(line)) heading = line.replace(/^#+ /, "");
    const opening = !fence && /^```/.test(line);
    if (opening) {
      fence = true;
      inTour = /^```sh\s+tour\s*$/.test(line);
      if (inTour) {
        blocks++;
        out[index] = `echo ${JSON.stringify(`── README.md:${index + 1} (${heading})`)} >&2`;
      }
    } else if (fence && /^```\s*$/.test(line)) {
      fence = false;
      inTour = false;
    } else if (inTour) {
      out[index] = line;
    }
  }
  if (blocks === 0) throw new Error("README.md has no ```sh tour blocks");
  // Line 1 of the README is its title, never tour: the prelude goes there.
  out[0] =
    "set -Eeuo pipefail; " +
    `trap 'echo "tour: FAILED at README.md:$LINENO" >&2' ERR; ` +
    "trap 'jobs -p | xargs -r kill 2>/dev/null || true' EXIT";
  return { script: `${out.join("\n")}\n`, blocks };
}

async function startServer(port, inspectorPort, stateDir) {
  const log = [];
  const dev = fork(
    path.join(ROOT, "scripts", "dev.mjs"),
    ["--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", stateDir],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true },
  );
  for (const stream of [dev.stdout, dev.stderr]) stream.on("data", (chunk) => log.push(chunk));
  const ready = await new Promise((resolve) => {
    dev.on("message", (message) => resolve(message?.ready ?? false));
    dev.on("exit", () => resolve(false));
  });
  return { dev, ready, log: () => Buffer.concat(log).toString() };
}

function stopServer(dev) {
  // dev.mjs, wrangler and workerd share the process group started above.
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

function runTour(scriptPath, base, webhookPort) {
  return new Promise((resolve) => {
    const tour = spawn("bash", [scriptPath], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, BASE: base, WEBHOOK_PORT: String(webhookPort) },
    });
    tour.on("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  const webhookPort = Number(options["webhook-port"] ?? (await freePort()));
  const { script, blocks } = tourScript(readFileSync(path.join(ROOT, "README.md"), "utf8"));
  const stateDir = mkdtempSync(path.join(tmpdir(), "stockroom-tour-"));
  const scriptPath = path.join(stateDir, "tour.sh");
  writeFileSync(scriptPath, script);
  let server;
  try {
    if (options.base) {
      server = { ready: options.base, log: () => "(a server started outside the tour)" };
    } else {
      const port = Number(options.port ?? (await freePort()));
      const inspectorPort = Number(options["inspector-port"] ?? (await freePort()));
      console.log(`tour: starting a dev server on port ${port} with fresh state in ${stateDir}`);
      server = await startServer(port, inspectorPort, path.join(stateDir, "state"));
      if (!server.ready) {
        console.error(`tour: the dev server did not start:\n${server.log()}`);
        return 1;
      }
    }
    console.log(`tour: running ${blocks} README blocks against ${server.ready}`);
    const started = Date.now();
    const status = await runTour(scriptPath, server.ready, webhookPort);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (status === 0) console.log(`tour: all ${blocks} blocks passed in ${seconds} s`);
    else console.error(`tour: failed after ${seconds} s; the dev server's output:\n${server.log()}`);
    return status;
  } finally {
    if (server?.dev) stopServer(server.dev);
    if (options.keep) console.log(`tour: state kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
