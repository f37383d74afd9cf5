import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../context";
import { AppError } from "../lib/errors";

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
    ],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    exposeHeaders: ["ETag", "X-Request-Id", "Retry-After", "Location"],
    maxAge: 600,
  })(c, next);
});

// The docs page loads its script and styles from our own origin only.
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    scriptSrc: ["'self'"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/** Request bodies larger than MAX_BODY_BYTES are refused with 413 before they are read. */
export const limitBody = createMiddleware<AppEnv>((c, next) =>
  bodyLimit({
    maxSize: Number(c.env.MAX_BODY_BYTES),
    onError: () => {
      throw new AppError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${c.env.MAX_BODY_BYTES} bytes.`);
    },
  })(c, next),
);

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Every request body this API reads is JSON; anything else is a 415, not a confusing 400. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody = c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0";
  const chunked = c.req.header("transfer-encoding") !== undefined;
  if ((hasBody || chunked) && ["POST", "PUT", "PATCH"].includes(c.req.method)) {
    const type = c.req.header("content-type") ?? "";
    if (!JSON_TYPE.test(type)) {
      throw new AppError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
    }
  }
  await next();
});
