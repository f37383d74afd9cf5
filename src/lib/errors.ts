import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every problem the API can answer (docs/architecture.md, "API conventions"): its stable
 * machine code, HTTP status and title.
 * The status follows from the code, so a call site names only the code (through the
 * factory below) and the two cannot drift apart.
 */
const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: "Request validation failed" },
  UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  FORBIDDEN: { status: 403, title: "Not allowed" },
  NOT_FOUND: { status: 404, title: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  CONFLICT: { status: 409, title: "Conflict" },
  INSUFFICIENT_STOCK: { status: 409, title: "Insufficient stock" },
  INVALID_TRANSITION: { status: 409, title: "Invalid state transition" },
  IDEMPOTENCY_CONFLICT: { status: 409, title: "Idempotency key reused with a different request" },
  ORDER_LIMIT_REACHED: { status: 409, title: "Order limit reached" },
  PRECONDITION_FAILED: { status: 412, title: "Precondition failed" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  RANGE_NOT_SATISFIABLE: { status: 416, title: "Range not satisfiable" },
  UPGRADE_REQUIRED: { status: 426, title: "Upgrade required" },
  PRECONDITION_REQUIRED: { status: 428, title: "Precondition required" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  INTERNAL: { status: 500, title: "Internal server error" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof PROBLEMS;

/** The codes, for the spec's `code` enum. */
export const ERROR_CODES = Object.keys(PROBLEMS) as [ErrorCode, ...ErrorCode[]];

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ProblemOptions {
  errors?: FieldProblem[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/**
 * The one error type of the application. Services throw it (through the factories);
 * the error handler turns it into RFC 9457 problem+json. `extra` carries domain
 * members such as per-line stock availability.
 */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail);
    this.status = PROBLEMS[code].status;
  }

  get title(): string {
    return PROBLEMS[this.code].title;
  }
}

/** The code Hono's own exceptions (malformed JSON, body limit) answer with, by their status. */
export function codeForStatus(status: number): ErrorCode {
  const match = ERROR_CODES.find((code) => PROBLEMS[code].status === status);
  return match ?? "INTERNAL";
}

export function problemType(code: ErrorCode): string {
  return `https://stockroom.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}

// One factory per code.
export const badRequest = (detail: string, errors?: FieldProblem[]) =>
  new AppError("VALIDATION_FAILED", detail, errors ? { errors } : {});
export const unauthenticated = (detail = "Missing or invalid credentials.") =>
  new AppError("UNAUTHENTICATED", detail, { headers: { "WWW-Authenticate": 'Bearer realm="stockroom"' } });
export const forbidden = (detail = "You are not allowed to do this.") => new AppError("FORBIDDEN", detail);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);
export const methodNotAllowed = (detail: string, options?: ProblemOptions) =>
  new AppError("METHOD_NOT_ALLOWED", detail, options);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new AppError("CONFLICT", detail, extra ? { extra } : {});
export const insufficientStock = (detail: string, extra: Record<string, unknown>) =>
  new AppError("INSUFFICIENT_STOCK", detail, { extra });
export const invalidTransition = (detail: string, errors?: FieldProblem[]) =>
  new AppError("INVALID_TRANSITION", detail, errors ? { errors } : {});
export const idempotencyConflict = (detail = "This Idempotency-Key was used with a different request.") =>
  new AppError("IDEMPOTENCY_CONFLICT", detail);
/** A store limit on customer checkouts refused the order; `extra` names the limit and its value. */
export const orderLimitReached = (detail: string, extra: { limit: string; value: number } & Record<string, unknown>) =>
  new AppError("ORDER_LIMIT_REACHED", detail, { extra });
export const preconditionFailed = (
  detail = "The resource has changed; fetch it again and retry.",
  extra?: Record<string, unknown>,
) => new AppError("PRECONDITION_FAILED", detail, extra ? { extra } : {});
export const payloadTooLarge = (detail: string) => new AppError("PAYLOAD_TOO_LARGE", detail);
export const unsupportedMediaType = (detail: string) => new AppError("UNSUPPORTED_MEDIA_TYPE", detail);
export const rangeNotSatisfiable = (detail: string, size: number) =>
  new AppError("RANGE_NOT_SATISFIABLE", detail, { headers: { "Content-Range": `bytes */${size}` } });
export const upgradeRequired = (detail: string, headers: Record<string, string>) =>
  new AppError("UPGRADE_REQUIRED", detail, { headers });
export const preconditionRequired = (detail: string) => new AppError("PRECONDITION_REQUIRED", detail);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", `Rate limit exceeded; retry in ${retryAfterSeconds} seconds.`, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
export const internalError = (detail = "Something went wrong on our side.") => new AppError("INTERNAL", detail);
export const serviceUnavailable = (detail: string) => new AppError("SERVICE_UNAVAILABLE", detail);
