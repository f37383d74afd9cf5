import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../context";
import { payloadTooLarge, unsupportedMediaType } from "../lib/errors";
import { endpointOf } from "./endpoint";

export const corsFromAllowList = createMiddleware<AppEnv>((c, next) => {
  const allowed = c.env.CORS_ORIGINS.split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "" && o !== "*");
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "X-API-Key",
      "Idempotency-Key",
      "If-Match",
      "If-None-Match",
      "X-Request-Id",
      "X-D1-Bookmark",
    ],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    exposeHeaders: ["ETag", "X-Request-Id", "Retry-After", "Location", "X-D1-Bookmark"],
    maxAge: 600,
  })(c, next);
});

// The docs page loads its script and styles from our own origin only.
const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
};
// One framing policy: nothing of ours may be framed, anywhere. CSP `frame-ancestors 'none'`
// says so to current browsers and `X-Frame-Options: DENY` to older ones.
const sameOriginHeaders = secureHeaders({ contentSecurityPolicy, xFrameOptions: "DENY" });
// Product images are embedded by shops on other origins (`<img src>`), which a
// same-origin Cross-Origin-Resource-Policy would make browsers refuse.
const crossOriginHeaders = secureHeaders({
  contentSecurityPolicy,
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: "cross-origin",
});
const CROSS_ORIGIN_RESOURCES = new Set(["GET /v1/images/:key"]);

export const securityHeaders = createMiddleware<AppEnv>((c, next) =>
  (CROSS_ORIGIN_RESOURCES.has(endpointOf(c) ?? "") ? crossOriginHeaders : sameOriginHeaders)(c, next),
);

/**
 * Answers to a caller with credentials are theirs alone: unless the route chose its
 * own caching (the storefront's public cache), no shared cache or browser may keep
 * them.
 */
export const privateAnswers = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const credentialed = c.req.header("authorization") !== undefined || c.req.header("x-api-key") !== undefined;
  if (credentialed && !c.res.headers.has("cache-control")) c.header("Cache-Control", "private, no-store");
});

interface BodyPolicy {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

const MiB = 1024 * 1024;

/**
 * The few endpoints whose body is not JSON, keyed like the permission table, with
 * their size limit. Each declares and checks its own media types in its route (after
 * authentication, so an anonymous caller still gets 401 first). Every other endpoint
 * takes JSON up to MAX_BODY_BYTES.
 */
const NON_JSON_BODIES: Record<string, BodyPolicy> = {
  // 10 MiB of image (the images service enforces that exactly) plus room for the multipart envelope.
  "POST /v1/products/:id/images": { maxBytes: 10 * MiB + 64 * 1024 },
  // 20 MiB of CSV (the imports service enforces that exactly) plus the multipart envelope.
  "POST /v1/imports": { maxBytes: 20 * MiB + 64 * 1024 },
};

function bodyPolicyOf(c: Context<AppEnv>): BodyPolicy | undefined {
  const endpoint = endpointOf(c);
  return endpoint === null ? undefined : NON_JSON_BODIES[endpoint];
}

/** Request bodies larger than the endpoint's limit are refused with 413 before they are read. */
export const limitBody = createMiddleware<AppEnv>((c, next) => {
  const maxSize = bodyPolicyOf(c)?.maxBytes ?? Number(c.env.MAX_BODY_BYTES);
  return bodyLimit({
    maxSize,
    onError: () => {
      throw payloadTooLarge(`The body is larger than ${maxSize} bytes.`);
    },
  })(c, next);
});

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * Request bodies are JSON (except on the endpoints of NON_JSON_BODIES); anything else
 * is a 415, not a confusing 400.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody = c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0";
  const chunked = c.req.header("transfer-encoding") !== undefined;
  if ((hasBody || chunked) && ["POST", "PUT", "PATCH"].includes(c.req.method) && !bodyPolicyOf(c)) {
    const type = c.req.header("content-type") ?? "";
    if (!JSON_TYPE.test(type)) {
      throw unsupportedMediaType("Send the body as application/json.");
    }
  }
  await next();
});
