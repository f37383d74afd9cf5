import { AsyncLocalStorage } from "node:async_hooks";

/*
 * The ids of the outbox rows a request built, so that after the response it publishes
 * exactly those instead of scanning the outbox for anything unsent. Every outbox row is
 * built in one place (./outbox.ts), which notes its id here; the request's middleware
 * opens the collection. A row that was built but whose batch failed simply is not found.
 */
const current = new AsyncLocalStorage<Set<string>>();

export function collectWrittenEvents<T>(ids: Set<string>, run: () => T): T {
  return current.run(ids, run);
}

export function noteWrittenEvent(id: string): void {
  current.getStore()?.add(id);
}
