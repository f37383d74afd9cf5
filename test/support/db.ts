import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";

/** The one database handle of the tests: the worker's own D1 binding, through drizzle. */
export const db = createDb(env.DB);
