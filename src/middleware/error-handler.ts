import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context";
import { AppError, codeForStatus, internalError, methodNotAllowed, problemType } from "../lib/errors";
import { log } from "../lib/log";

/** Hono's own exceptions (malformed JSON, body limit) become AppErrors with our codes. */
function fromHttpException(err: HTTPException): AppError {
  const detail = err.status === 400 ? "The request body is not valid JSON." : err.message || "Request failed.";
  return new AppError(codeForStatus(err.status), detail);
}

export function problemResponse(c: Context<AppEnv>, err: AppError): Response {
  const body = {
    type: problemType(err.code),
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    request_id: c.get("requestId") ?? "",
    timestamp: new Date().toISOString(),
    ...(err.options.errors ? { errors: err.options.errors } : {}),
    ...err.options.extra,
  };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { "content-type": "application/problem+json", ...err.options.headers },
  });
}

/** The one error handler: every failure leaves as problem+json, never with internals. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) return problemResponse(c, err);
  // An AppError thrown inside a D1 query (the session check that rides with a read's
  // first query) reaches here wrapped by drizzle's "Failed query" error.
  if (err.cause instanceof AppError) return problemResponse(c, err.cause);
  if (err instanceof HTTPException) return problemResponse(c, fromHttpException(err));
  log.error("unhandled error", { request_id: c.get("requestId"), error: err });
  return problemResponse(c, internalError("Something went wrong on our side."));
}

/** No route answers: 405 with `Allow` when other methods do on this path, else 404. */
export function handleNotFound(c: Context<AppEnv>, allowed: string[] = []): Response {
  if (allowed.length > 0) {
    const allow = allowed.join(", ");
    return problemResponse(
      c,
      methodNotAllowed(`${c.req.method} is not allowed on ${c.req.path}; use ${allow}.`, { headers: { Allow: allow } }),
    );
  }
  return problemResponse(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`));
}
