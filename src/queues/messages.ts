import { log } from "../lib/log";

type FieldType = "string" | "number";

/** A guard for a queue message body with these required fields. */
export function isMessageOf<T>(fields: Record<string, FieldType>) {
  return (body: unknown): body is T =>
    typeof body === "object" &&
    body !== null &&
    Object.entries(fields).every(([name, type]) => typeof (body as Record<string, unknown>)[name] === type);
}

export function logMessageError(queue: string, message: Message, error: unknown): void {
  log.error("queue message failed", { queue, message_id: message.id, attempts: message.attempts, error });
}
