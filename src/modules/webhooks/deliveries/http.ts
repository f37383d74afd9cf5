/*
 * One HTTP attempt of a delivery, exactly as Standard Webhooks describes it. The
 * request never follows a redirect (a redirect could point anywhere, including at
 * an internal address) and gives up after the timeout (WEBHOOK_TIMEOUT_SECONDS,
 * 10 s by default), body included. Only the first 1 KiB of the answer is read and kept.
 */
// The one implementation of Standard Webhooks signing, shared with the published client
// package, so what the worker signs is what consumers verify.
import { signWebhook } from "../../../../packages/client/src/verify";

const DEFAULT_TIMEOUT_SECONDS = 10;
const EXCERPT_BYTES = 1024;
export const USER_AGENT = "Stockroom-Webhooks/1";

export interface SignedMessage {
  id: string;
  body: string;
  /** Every secret that currently signs, newest first. */
  secrets: string[];
}

export interface AttemptResult {
  status: number | null;
  error: string | null;
  latencyMs: number;
  excerpt: string | null;
  retryAfter: string | null;
  /** No answer within the timeout (as opposed to an answer, or a connection that failed at once). */
  timedOut: boolean;
}

/** An attempt that was not sent (refused by policy, or the endpoint is held off), with why. */
export function unsentAttempt(error: string): AttemptResult {
  return { status: null, error, latencyMs: 0, excerpt: null, retryAfter: null, timedOut: false };
}

/** The timeout from the WEBHOOK_TIMEOUT_SECONDS var: a positive number of seconds, else the default. */
export function attemptTimeoutMs(setting: string | undefined): number {
  const seconds = Number(setting);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.byteLength - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");

function describe(err: unknown, timeoutMs: number): string {
  if (isTimeout(err)) return `No answer within ${timeoutMs / 1000} s.`;
  return err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
}

export async function signatureHeader(message: SignedMessage, timestamp: number): Promise<string> {
  const signatures = await Promise.all(message.secrets.map((s) => signWebhook(s, message.id, timestamp, message.body)));
  return signatures.join(" ");
}

export async function postWebhook(url: string, message: SignedMessage, timeoutMs: number): Promise<AttemptResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": message.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(message, timestamp),
  };
  const signal = AbortSignal.timeout(timeoutMs);
  const started = Date.now();
  try {
    const response = await fetch(url, { method: "POST", headers, body: message.body, redirect: "manual", signal });
    const excerpt = await readExcerpt(response).catch(() => null);
    return {
      status: response.status,
      error: null,
      latencyMs: Date.now() - started,
      excerpt,
      retryAfter: response.headers.get("retry-after"),
      timedOut: false,
    };
  } catch (err) {
    return {
      status: null,
      error: describe(err, timeoutMs),
      latencyMs: Date.now() - started,
      excerpt: null,
      retryAfter: null,
      timedOut: isTimeout(err),
    };
  }
}
