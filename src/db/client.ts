import { DrizzleD1Database as D1DatabaseClass, type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteD1Session } from "drizzle-orm/d1/session";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
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

const dialect = new SQLiteAsyncDialect();

/**
 * A client over one request's D1 session (`withSession`): a new client per request,
 * built from the schema walk already done for the binding, so it costs a few objects.
 */
export function createSessionDb(d1: D1Database, session: D1DatabaseSession): Database {
  const { fullSchema, schema: tables, tableNamesMap } = createDb(d1)._;
  const config = tables && { fullSchema, schema: tables, tableNamesMap };
  // A session has the two methods drizzle's D1 driver calls (prepare, batch); drizzle's
  // own types only name the database, whose other methods it never uses.
  const client = session as unknown as D1Database;
  return new D1DatabaseClass("async", dialect, new SQLiteD1Session(client, dialect, config, {}), config) as Database;
}
