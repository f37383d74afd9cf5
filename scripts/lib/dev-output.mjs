// Filters `wrangler dev` output down to what a developer needs: the worker's own logs
// (one JSON line per request), warnings and errors. Dropped: the version banner (and its
// "update available"), the bindings table, wrangler's second line per request, the
// offline `Request.cf` fetch with its stack trace, and the cron hint (the banner has it).
// Dropping those leaves runs of empty lines behind; a run is printed as one.
import { createInterface } from "node:readline";
import { stripVTControlCharacters } from "node:util";

const REQUEST_LINE = /^\[wrangler:info\] (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /;
const DROPPED_LINES = [/^⎔ /, /^\s*⛅️ wrangler /, /^─+$/, /^Using secrets defined in /, /^\[wrangler:info\] Ready on /];

/** Pipes one of wrangler's output streams to `out`, line by line, through the filter. */
export function filterWranglerOutput(input, out) {
  let skipping = null; // a predicate the following lines are dropped by, while it holds
  let blank = false; // the last line printed was empty
  createInterface({ input }).on("line", (raw) => {
    const line = stripVTControlCharacters(raw);
    if (skipping?.(line)) return;
    skipping = null;
    if (line.startsWith("Your Worker has access to the following bindings")) {
      skipping = (next) => next.trim() !== "";
      return;
    }
    if (line.includes("Unable to fetch the `Request.cf` object")) {
      skipping = (next) => /^(Error: getaddrinfo|\s+at )/.test(next) || next.trim() === "";
      return;
    }
    if (line.includes("Scheduled Workers are not automatically triggered")) {
      skipping = (next) => next.trim() === "" || /^\s+(To manually|curl |For more details)/.test(next);
      return;
    }
    if (REQUEST_LINE.test(line) || DROPPED_LINES.some((pattern) => pattern.test(line))) return;
    const empty = line.trim() === "";
    if (empty && blank) return;
    blank = empty;
    out.write(`${raw}\n`);
  });
}
