import { env } from "cloudflare:workers";
import type { Actor } from "../../../src/context";
import { createDb } from "../../../src/db/client";
import { newId } from "../../../src/lib/ids";
import { runExport } from "../../../src/modules/exports/runner";
import { type CreateExportInput, createExport } from "../../../src/modules/exports/service";

export const db = () => createDb(env.DB);

/** A queue that keeps what it is sent, so a test runs the job itself, step by step. */
export function heldQueue() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (bodies: { body: unknown }[]) => void sent.push(...bodies.map((b) => b.body)),
  } as unknown as Queue;
  return { queue, sent };
}

export const adminActor = (id = "usr_export_admin"): Actor => ({
  kind: "user",
  id,
  role: "admin",
  sessionId: "ses_x",
});

export async function queuedExport(input: Partial<CreateExportInput> & Pick<CreateExportInput, "type">) {
  const { queue } = heldQueue();
  const meta = { actor: adminActor(), requestId: "req_test", ip: null };
  return createExport(db(), queue, { format: "csv", filters: {}, ...input }, meta, newId("exp"));
}

/** Runs an export to the end, as successive queue messages would. */
export async function runToEnd(id: string, bucket: R2Bucket = env.FILES): Promise<void> {
  while ((await runExport({ db: db(), bucket }, id)) === "more") {
    // each "more" is one follow-up message
  }
}

export async function fileText(key: string): Promise<string> {
  const object = await env.FILES.get(key);
  if (!object) throw new Error(`no file ${key}`);
  return object.text();
}

/**
 * `count` orders created in `year`, inserted in one statement (a recursive CTE), each
 * with a long note: multi-byte text, a quote, a comma, a line break, and every fifth
 * one starting with a spreadsheet formula.
 */
export async function seedOrders(count: number, year: number, noteBytes = 900): Promise<void> {
  const filler = "é".repeat(Math.floor(noteBytes / 2));
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO orders (id, status, source, currency, subtotal, tax_rate_bps, tax, total, capture_mode,
       customer_note, metadata, expires_at, created_at, updated_at)
     SELECT printf('ord_seed%d_%08d', ?2, i), 'completed', 'checkout', 'EUR', i * 10, 0, 0, i * 10, 'automatic',
       CASE WHEN i % 5 = 0 THEN '=HYPERLINK("http://evil")' ELSE '' END || printf('note %d, "quoted"', i) || char(10) || ?3,
       '{}', '2099-01-01T00:00:00.000Z',
       printf('%d-01-01T00:00:00.000Z', ?2, i), printf('%d-01-01T00:00:00.000Z', ?2)
     FROM n`,
  )
    .bind(count, year, filler)
    .run();
}
