// `--against <git-ref>`: a second build of the app, from that ref, in the same workerd.
// The ref is checked out with `git worktree add` into the bench's temp directory and
// built there exactly like this checkout (its own wrangler.toml, migrations and docs
// assets); it shares this checkout's node_modules, so a ref with other dependency
// versions is built with these (the header says which commit ran).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const git = (args, cwd = ROOT) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/** Checks out `ref` under `dir` and readies it to build; returns its root, commit and a cleanup. */
export function checkoutReference(ref, dir) {
  const commit = git(["rev-parse", "--verify", `${ref}^{commit}`]);
  git(["worktree", "add", "--detach", "--force", dir, commit]);
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  // wrangler.toml serves public/ as assets and refuses a missing directory (prebench does this here).
  if (existsSync(path.join(dir, "scripts", "copy-docs-assets.mjs"))) {
    const copied = spawnSync(process.execPath, ["scripts/copy-docs-assets.mjs"], { cwd: dir, encoding: "utf8" });
    if (copied.status !== 0) throw new Error(`copy-docs-assets failed in ${dir}: ${copied.stderr}`);
  }
  return {
    root: dir,
    commit,
    subject: git(["log", "-1", "--format=%s", commit]),
    remove: () => git(["worktree", "remove", "--force", dir]),
  };
}

const suffixed = (name, suffix) => `${name}${suffix}`;

/**
 * Gives a second build its own D1 database, R2 bucket and queues, so the two builds
 * never read each other's rows or consume each other's messages. Durable Objects are
 * already separate: Miniflare keys their storage by the worker's name.
 */
export function isolateResources(options, suffix) {
  const rename = (record, fn) => Object.fromEntries(Object.entries(record ?? {}).map(fn));
  const idOf = (value) =>
    typeof value === "string" ? { id: suffixed(value, suffix) } : { ...value, id: suffixed(value.id, suffix) };
  return {
    ...options,
    d1Databases: rename(options.d1Databases, ([binding, db]) => [binding, idOf(db)]),
    r2Buckets: rename(options.r2Buckets, ([binding, bucket]) => [binding, idOf(bucket)]),
    queueProducers: rename(options.queueProducers, ([binding, q]) => [
      binding,
      typeof q === "string" ? suffixed(q, suffix) : { ...q, queueName: suffixed(q.queueName, suffix) },
    ]),
    queueConsumers: rename(options.queueConsumers, ([queue, consumer]) => [
      suffixed(queue, suffix),
      consumer.deadLetterQueue
        ? { ...consumer, deadLetterQueue: suffixed(consumer.deadLetterQueue, suffix) }
        : consumer,
    ]),
  };
}
