import { createDb, type Database } from "../db/client";
import { log } from "../lib/log";
import { flushOutbox } from "../modules/events";
import { type ExportRunMessage, failExport, runExport } from "../modules/exports";
import { applyImport, failImport, type ImportApplyMessage } from "../modules/imports";
import { backoffSeconds } from "../modules/webhooks";
import { isMessageOf, logMessageError } from "./messages";

const isExportRun = isMessageOf<ExportRunMessage>({ type: "string", export_id: "string" });
const isImportApply = isMessageOf<ImportApplyMessage>({ type: "string", import_id: "string" });

async function runJob(env: Env, db: Database, body: unknown): Promise<void> {
  if (isExportRun(body) && body.type === "export.run") {
    // A long export continues in a follow-up message rather than outliving one invocation.
    if ((await runExport({ db, bucket: env.FILES }, body.export_id)) === "more") await env.JOBS.send(body);
    return;
  }
  if (isImportApply(body) && body.type === "import.apply") {
    // Likewise an import past one run's rows.
    if ((await applyImport({ db, bucket: env.FILES, stock: env.INVENTORY }, body.import_id)) === "more") {
      await env.JOBS.send(body);
    }
    return;
  }
  throw new Error("unknown job type");
}

/**
 * JOBS: background work addressed by message `type`, each message acknowledged or
 * retried on its own. A type nobody handles is retried into the dead-letter queue
 * rather than dropped.
 */
export async function consumeJobs(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      await runJob(env, db, message.body);
      message.ack();
    } catch (err) {
      logMessageError(batch.queue, message, err);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
  await flushOutbox(db, env.EVENTS);
}

/**
 * JOBS dead letters. An export or import that failed every attempt is marked failed
 * (with its event), and logged at error level so the failure is seen.
 */
export async function consumeJobsDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    log.error("job dead-lettered", { queue: batch.queue, message_id: message.id, body: message.body });
    try {
      if (isImportApply(message.body))
        await failImport(db, message.body.import_id, "Applying failed after every retry.");
      if (isExportRun(message.body))
        await failExport(db, message.body.export_id, "The export failed after every retry.");
      message.ack();
    } catch (err) {
      logMessageError(batch.queue, message, err);
      message.retry();
    }
  }
  await flushOutbox(db, env.EVENTS);
}
