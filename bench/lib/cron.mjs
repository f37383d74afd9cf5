// The platform's cron triggers, which Miniflare does not fire by itself: at the start of
// each minute, every cron in wrangler.toml that matches it is dispatched to the worker's
// `scheduled` handler, as Cloudflare would. Without this, anything left to the sweeps
// (outbox rows a burst did not publish, expired holds) would wait forever locally.

/** Whether a 5-field cron expression matches `date` (UTC); supports `*`, numbers and lists. */
export function cronMatches(expression, date) {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [
    date.getUTCMinutes(),
    date.getUTCHours(),
    date.getUTCDate(),
    date.getUTCMonth() + 1,
    date.getUTCDay(),
  ];
  return fields.every((field, i) => field === "*" || field.split(",").some((part) => Number(part) === values[i]));
}

/** Fires matching crons once a minute until `stop()`; returns what it fired. */
export function startCronTicker(mf, workerName, crons, log) {
  const fired = [];
  let lastMinute = Math.floor(Date.now() / 60_000);
  const timer = setInterval(async () => {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    const scheduledTime = new Date(minute * 60_000);
    const worker = await mf.getWorker(workerName);
    for (const cron of crons.filter((c) => cronMatches(c, scheduledTime))) {
      try {
        const result = await worker.scheduled({ cron, scheduledTime });
        fired.push({ cron, at: scheduledTime.toISOString(), outcome: result.outcome });
      } catch (err) {
        log(`cron ${cron} failed: ${err.message}`);
        fired.push({ cron, at: scheduledTime.toISOString(), outcome: "exception" });
      }
    }
  }, 1_000);
  return {
    fired,
    stop: () => clearInterval(timer),
  };
}
