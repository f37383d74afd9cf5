import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

// drizzle walks the whole schema when it builds a client; the binding object lives as
// long as the isolate, so one client per binding spares every request that walk.
const clients = new WeakMap<D1Database, Database>();

export function createDb(d1: D1Database): Database {
  let db = clients.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    clients.set(d1, db);
  }
  return db;
}
