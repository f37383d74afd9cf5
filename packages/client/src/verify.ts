/*
 * Standard Webhooks signing and verification (https://www.standardwebhooks.com/).
 * The worker signs every delivery with this file and webhook consumers verify with it
 * (`@stockroom/client`, or `@stockroom/client/verify-webhook` alone): it imports
 * nothing and uses only WebCrypto, `atob` and `btoa`, so it runs unchanged in Workers,
 * Node 20+, Deno, Bun and browsers.
 *
 *   signed content = `${webhook-id}.${webhook-timestamp}.${raw body}`
 *   webhook-signature = "v1," + base64(HMAC-SHA256(key, signed content)), space-separated when
 *                       several secrets sign at once (secret rotation)
 *   key = base64-decoded part of the secret after `whsec_`
 *
 * Signatures are checked with `crypto.subtle.verify`, which compares in constant time.
 */

export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  created_at: string;
  data: T;
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Largest allowed distance between `webhook-timestamp` and now, in seconds. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** "Now" in Unix seconds; for tests and replays of recorded traffic. */
  now?: number;
}

export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
}

const SECRET_PREFIX = "whsec_";
const DEFAULT_TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(encoded);
  } catch {
    throw new WebhookVerificationError("The signing secret is not base64 (expected whsec_<base64>).");
  }
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function signedContent(id: string, timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${id}.${timestamp}.`);
  const payload = typeof body === "string" ? encoder.encode(body) : body;
  const content = new Uint8Array(head.byteLength + payload.byteLength);
  content.set(head);
  content.set(payload, head.byteLength);
  return content;
}

/** The `v1,<base64>` signature of one message under one secret. */
export async function signWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): Promise<string> {
  const key = await hmacKey(secret, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, signedContent(id, String(timestamp), body));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a delivery and returns its parsed payload. Pass the body exactly as
 * received (do not parse and re-serialise it first). Throws
 * `WebhookVerificationError` when a header is missing, the timestamp is outside
 * the tolerance, or no `v1` signature matches the secret.
 */
export async function verifyWebhook<T = Record<string, unknown>>(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): Promise<WebhookEvent<T>> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header.");
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not Unix seconds.");
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError("webhook-timestamp is outside the allowed tolerance.");
  }

  const key = await hmacKey(secret, "verify");
  const content = signedContent(id, timestamp, body);
  for (const candidate of signatures.split(" ")) {
    const [version, signature] = candidate.split(",", 2);
    if (version !== "v1" || !signature) continue;
    let mac: Uint8Array<ArrayBuffer>;
    try {
      mac = fromBase64(signature);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify("HMAC", key, mac, content)) {
      const text = typeof body === "string" ? body : new TextDecoder().decode(body);
      return JSON.parse(text) as WebhookEvent<T>;
    }
  }
  throw new WebhookVerificationError("No matching signature.");
}
