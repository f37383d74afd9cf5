import { OpenAPIHono } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { Database } from "./db/client";
import type { ApiKeyType, Role } from "./db/schema";
import { type AppError, badRequest } from "./lib/errors";

export interface UserActor {
  kind: "user";
  id: string;
  role: Role;
  sessionId: string;
}

export interface ApiKeyActor {
  kind: "api_key";
  id: string;
  type: ApiKeyType;
  scopes: string[];
}

export type Actor = UserActor | ApiKeyActor;

/**
 * A keyed write's session check, left by authentication to the key's claim, which runs
 * it as the guard of its batch (src/middleware/idempotency.ts): `failure` when it fails.
 */
export interface SessionGuard {
  condition: SQL;
  failure: AppError;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Database;
    /** The request's D1 session (`/v1` only), under `db`. */
    d1Session: D1DatabaseSession;
    actor: Actor | null;
    sessionGuard: SessionGuard | undefined;
  };
}

/**
 * The one router factory: every module builds its routes with it, so every route
 * shares the env types and turns zod failures into the same 400 problem+json.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw badRequest(
          "The request is not valid.",
          result.error.issues.flatMap((issue) => {
            // zod reports unknown fields once, on their parent; name each field instead.
            const paths =
              issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
            return paths.map((path) => ({
              path: path.map(String).join(".") || result.target,
              message: issue.code === "unrecognized_keys" ? "Unknown field" : issue.message,
            }));
          }),
        );
      }
    },
  });
}
