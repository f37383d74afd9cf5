/*
 * The one logger: one JSON line per entry, so Workers Logs can filter by field. Every
 * entry carries the id of what it happened in (request, event, object), and an error
 * is logged with its chain of causes. A failed D1 query (drizzle's "Failed query: …")
 * keeps its SQL and the database's own error but never its bound parameters: those are
 * customer data (emails, addresses, names) and have no place in logs.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose entries also carry these fields (e.g. `{ event_id }`). */
  with(fields: LogFields): Logger;
}

const MAX_CAUSES = 5;

interface LoggedError {
  name: string;
  message: string;
  query?: string;
  stack?: string;
  cause?: LoggedError | string;
}

/** An error as a loggable value: name, message (without query parameters), stack and causes. */
export function describeError(err: unknown, depth = 0): LoggedError | string {
  if (!(err instanceof Error)) return String(err);
  const described: LoggedError = { name: err.name, message: withoutParams(err.message) };
  const query = (err as { query?: unknown }).query;
  if (typeof query === "string") described.query = query;
  if (err.stack && depth === 0) described.stack = withoutParams(err.stack);
  if (err.cause !== undefined && depth < MAX_CAUSES) described.cause = describeError(err.cause, depth + 1);
  return described;
}

/** An error and its causes as one line, for a stored `last_error`: no stack, no query parameters. */
export function errorSummary(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; depth <= MAX_CAUSES && e !== undefined; depth++) {
    parts.push(e instanceof Error ? withoutParams(e.message) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(" <- ");
}

/** drizzle appends "params: <values>" to a failed query's message; drop that line. */
function withoutParams(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("params:"))
    .join("\n");
}

function write(level: LogLevel, message: string, base: LogFields, fields: LogFields | undefined): void {
  const entry: LogFields = { level, message, ...base, ...fields };
  if (entry.error !== undefined) entry.error = describeError(entry.error);
  const line = JSON.stringify(entry);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export function logger(base: LogFields = {}): Logger {
  return {
    debug: (message, fields) => write("debug", message, base, fields),
    info: (message, fields) => write("info", message, base, fields),
    warn: (message, fields) => write("warn", message, base, fields),
    error: (message, fields) => write("error", message, base, fields),
    with: (more) => logger({ ...base, ...more }),
  };
}

/** The logger for code that runs outside a request or event (crons, objects add their own id). */
export const log = logger();
