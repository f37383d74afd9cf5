export { type EventType, eventDefinition, isEventType, patternMatches, typesSelectedBy } from "./event-types";
export { eventRecorded, latestEventOf, type StoredEvent } from "./lookup";
export { publishOutboxAfterCommit } from "./middleware";
export { registerWebhookDocs } from "./openapi";
export { eventInsert, eventInsertFilled, eventInsertIf, recordedEventInsert } from "./outbox";
export { type EventMessage, flushOutbox, sweepOutbox } from "./publisher";
export { EVENT_RETENTION_DAYS, pruneEvents } from "./retention";
