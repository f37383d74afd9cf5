// Starts an export, shows its progress, and downloads the CSV:
//   npm run export -- --type orders --from 2026-01-01 [--to 2026-02-01] [--status completed]
//                     [--product-id …] [--customer-id …] [--reason …] [--location-id …]
//                     [--company-id …] [--project-id …] [--out orders.csv] [--base URL] [--token TOKEN]
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { apiClient, sleep } from "./lib/api.mjs";

const { values } = parseArgs({
  options: {
    type: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    status: { type: "string" },
    "product-id": { type: "string" },
    "customer-id": { type: "string" },
    reason: { type: "string" },
    "location-id": { type: "string" },
    "company-id": { type: "string" },
    "project-id": { type: "string" },
    out: { type: "string" },
    base: { type: "string" },
    token: { type: "string" },
  },
});
if (!values.type) {
  console.error("Usage: npm run export -- --type orders [--from 2026-01-01] [--to …] [--out file.csv]");
  process.exit(1);
}
const asInstant = (day) => (day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : day);
const filters = Object.fromEntries(
  Object.entries({
    from: asInstant(values.from),
    to: asInstant(values.to),
    status: values.status,
    product_id: values["product-id"],
    customer_id: values["customer-id"],
    reason: values.reason,
    location_id: values["location-id"],
    company_id: values["company-id"],
    project_id: values["project-id"],
  }).filter(([, v]) => v !== undefined),
);
const request = apiClient(values);

try {
  let job = await (
    await request("POST", "/v1/exports", {
      json: { type: values.type, format: "csv", filters },
      headers: { "idempotency-key": randomUUID() },
    })
  ).json();
  console.log(`Export ${job.id} (${job.type}) started.`);
  const bar = new cliProgress.SingleBar(
    { format: " {bar} {percentage}% | {value}/{total} rows | {status}", hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { status: job.status });
  while (job.status === "queued" || job.status === "running") {
    await sleep(500);
    job = await (await request("GET", `/v1/exports/${job.id}`)).json();
    bar.setTotal(Math.max(job.rows_total ?? 1, job.rows_done, 1));
    bar.update(job.rows_done, { status: job.status });
  }
  bar.stop();
  if (job.status !== "completed") throw new Error(`The export ${job.status}: ${job.error ?? "no detail"}`);
  const out = values.out ?? `${job.type}-${job.id}.csv`;
  const file = await request("GET", `/v1/exports/${job.id}/file`);
  await pipeline(Readable.fromWeb(file.body), createWriteStream(out));
  console.log(`${job.rows_done} rows, ${job.bytes} bytes written to ${out}.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
