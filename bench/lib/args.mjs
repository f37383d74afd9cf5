// The command line and what each mode means.
import { parseArgs } from "node:util";
import { scenarios } from "../scenarios/index.mjs";
import { FULL_DATASET, QUICK_DATASET } from "./seed/index.mjs";

const HELP = `npm run bench [-- options]
  --quick              smaller data set and shorter runs (under 2 minutes)
  --only=a,b           run only these scenarios: ${scenarios.map((s) => s.name).join(", ")}
  --profile=a,b|all    CPU-profile these scenarios' loads through workerd's inspector
                       (profiled figures carry the profiler's cost; compare them with each other only)
  --duration=<s>       length of each timed run (default 2.5 with --quick, 10 without); a loaded
                       machine needs longer for write paths to finish enough requests
  --against=<git-ref>  also build that ref (git worktree in the temp directory) and run it in the
                       same workerd, each scenario on both builds in turn; prints this build's
                       figures as ratios to the ref's
  --keep               keep the temporary directory (bundle, D1 and Durable Object state)
  --state-dir=<dir>    where that directory goes (default /dev/shm when there is one, else the OS temp dir)`;

function durationOf(value) {
  const seconds = Number(value);
  if (!(seconds > 0)) throw new Error(`--duration takes seconds (> 0), not ${value}\n\n${HELP}`);
  return seconds;
}

export function readArgs(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      profile: { type: "string" },
      keep: { type: "boolean", default: false },
      "state-dir": { type: "string" },
      against: { type: "string" },
      duration: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const list = (value) => (value ? new Set(value.split(",").map((s) => s.trim())) : null);
  const only = list(values.only);
  const profiled = list(values.profile) ?? new Set();
  const unknown = [...(only ?? []), ...profiled].filter((n) => n !== "all" && !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(", ")}\n\n${HELP}`);
  return {
    quick: values.quick,
    only,
    profiled,
    keep: values.keep,
    stateDir: values["state-dir"],
    against: values.against ?? null,
    sizes: values.quick ? QUICK_DATASET : FULL_DATASET,
    // Runs are either timed (warm-up first, then `durationS`) or a fixed number of requests.
    settings: {
      ...(values.quick
        ? { warmupS: 0.5, durationS: 2.5, bindingProbeS: 1.5, connections: 32, startupReps: 1 }
        : { warmupS: 3, durationS: 10, bindingProbeS: 5, connections: 32, startupReps: 5 }),
      ...(values.duration ? { durationS: durationOf(values.duration) } : {}),
    },
  };
}
