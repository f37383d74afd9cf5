import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Stable machine codes for every problem the API can answer (docs/architecture.md, "API conventions"). */
export type ErrorCode =
  | "VALIDATION_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "INSUFFICIENT_STOCK"
  | "INVALID_TRANSITION"
  | "PRECONDITION_FAILED"
  | "PRECONDITION_REQUIRED"
  | "IDEMPOTENCY_CONFLICT"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UPGRADE_REQUIRED"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL";

export interface FieldProblem {
  path: string;
  message: string;
}

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "Request validation failed",
  UNAUTHENTICATED: "Authentication required",
  FORBIDDEN: "Not allowed",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  CONFLICT: "Conflict",
  INSUFFICIENT_STOCK: "Insufficient stock",
  INVALID_TRANSITION: "Invalid state transition",
  PRECONDITION_FAILED: "Precondition failed",
  PRECONDITION_REQUIRED: "Precondition required",
  IDEMPOTENCY_CONFLICT: "Idempotency key reused with a different request",
  RATE_LIMITED: "Too many requests",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  UPGRADE_REQUIRED: "Upgrade required",
  SERVICE_UNAVAILABLE: "Service unavailable",
  INTERNAL: "Internal server error",
};

/**
 * The one error type of the application. Services throw it; the error handler
 * turns it into RFC 9457 problem+json. `extra` carries domain members such as
 * per-line stock availability.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    detail: string,
    readonly options: {
      errors?: FieldProblem[];
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
  }

  get title(): string {
    return TITLES[this.code];
  }
}

export const badRequest = (detail: string, errors?: FieldProblem[]) =>
  new AppError(400, "VALIDATION_FAILED", detail, errors ? { errors } : {});
export const unauthenticated = (detail = "Missing or invalid credentials.") =>
  new AppError(401, "UNAUTHENTICATED", detail, { headers: { "WWW-Authenticate": 'Bearer realm="stockroom"' } });
export const forbidden = (detail = "You are not allowed to do this.") => new AppError(403, "FORBIDDEN", detail);
export const notFound = (what: string) => new AppError(404, "NOT_FOUND", `${what} was not found.`);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, "CONFLICT", detail, extra ? { extra } : {});
export const invalidTransition = (detail: string) => new AppError(409, "INVALID_TRANSITION", detail);
export const preconditionFailed = (detail = "The resource has changed; fetch it again and retry.") =>
  new AppError(412, "PRECONDITION_FAILED", detail);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, "RATE_LIMITED", `Rate limit exceeded; retry in ${retryAfterSeconds} seconds.`, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

export function problemType(code: ErrorCode): string {
  return `https://stockroom.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}
