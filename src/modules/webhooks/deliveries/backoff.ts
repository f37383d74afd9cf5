/*
 * When to try a failed delivery again. Exactly MAX_ATTEMPTS HTTP attempts are made:
 * the WEBHOOKS consumer in wrangler.toml has `max_retries = 7` (Cloudflare Queues
 * deliver a message max_retries + 1 times), so the retry asked for after the 8th
 * attempt moves the message to the dead-letter queue instead.
 *
 * The waits after attempts 1..7 are about 5 s, 30 s, 2 min, 10 min, 30 min, 1 h
 * and 3 h, each ±20 % jitter so that endpoints recovering from an outage are not
 * hit by every retry at once. A 429 or 5xx with `Retry-After` waits what it asks
 * (up to the 12 h a queue retry can be delayed).
 */
export const MAX_ATTEMPTS = 8;
const BACKOFF_SECONDS = [5, 30, 120, 600, 1800, 3600, 10_800];
export const MAX_DELAY_SECONDS = 43_200;

/** The jittered wait after failed attempt `attempt` (1-based). */
export function backoffSeconds(attempt: number, random = Math.random()): number {
  const base = BACKOFF_SECONDS[Math.min(Math.max(attempt, 1), BACKOFF_SECONDS.length) - 1] ?? 5;
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random)));
}

/** `Retry-After` as seconds from `now` (delta-seconds or HTTP-date), or null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value), MAX_DELAY_SECONDS);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_DELAY_SECONDS);
}

/** The wait before the next attempt, given the failed attempt's status (null: no answer). */
export function retryDelaySeconds(attempt: number, status: number | null, retryAfter: string | null): number {
  const honoured = status === 429 || (status !== null && status >= 500) ? retryAfterSeconds(retryAfter) : null;
  return honoured ?? backoffSeconds(attempt);
}
