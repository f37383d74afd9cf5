// Uploads a CSV to import, prints the validation summary, asks to confirm, and shows progress:
//   npm run import -- --type stock-counts counts.csv [--yes] [--base URL] [--token TOKEN]
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { apiClient, sleep } from "./lib/api.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    type: { type: "string" },
    yes: { type: "boolean", default: false },
    base: { type: "string" },
    token: { type: "string" },
  },
});
const [path] = positionals;
if (!values.type || !path) {
  console.error("Usage: npm run import -- --type products|stock-counts|samples file.csv [--yes]");
  process.exit(1);
}
const type = values.type.replaceAll("-", "_");
const request = apiClient(values);

try {
  const form = new FormData();
  form.set("type", type);
  form.set("file", new File([await readFile(path)], basename(path), { type: "text/csv" }));
  let job = await (await request("POST", "/v1/imports", { body: form })).json();
  console.log(`Import ${job.id}: ${job.rows_total} rows, ${job.rows_valid} valid, ${job.error_count} errors.`);
  if (job.status === "invalid") {
    for (const e of job.errors.slice(0, 20)) console.log(`  row ${e.row}, ${e.column}: ${e.message}`);
    if (job.error_count > 20) console.log(`  … all ${job.error_count} at GET ${job.errors_url}`);
    console.log("Nothing was applied; fix the file and run the import again.");
    process.exit(1);
  }
  if (!values.yes) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Apply ${job.rows_total} rows? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      console.log("Not applied.");
      process.exit(0);
    }
  }
  job = await (await request("POST", `/v1/imports/${job.id}/confirm`)).json();
  const bar = new cliProgress.SingleBar(
    { format: " {bar} {percentage}% | {value}/{total} rows | {status}", hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(job.rows_total, 1), job.rows_done, { status: job.status });
  while (job.status === "applying") {
    await sleep(500);
    job = await (await request("GET", `/v1/imports/${job.id}`)).json();
    bar.update(job.rows_done, { status: job.status });
  }
  bar.stop();
  if (job.status !== "completed") throw new Error(`The import ${job.status}: ${job.error ?? "no detail"}`);
  console.log(`Applied: ${job.rows_created} created, ${job.rows_updated} updated.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
