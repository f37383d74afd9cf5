import { expect } from "vitest";
import type { Role } from "../../src/db/schema";
import { createApiKey, type SignedIn, signInAs } from "./auth";
import { call } from "./http";

/*
 * The intended access to catalog endpoints, written out caller by caller, so that a
 * wrong entry in the permission table (not only a wrong check) fails a test. "Allowed"
 * means the answer is neither 401 nor 403; refused callers must get exactly 401
 * (anonymous) or 403.
 */

export const CALLERS = [
  "admin",
  "manager",
  "operator",
  "customer",
  "anonymous",
  "publishable",
  "products:read",
  "products:write",
  "orders:read",
] as const;
export type Caller = (typeof CALLERS)[number];

export interface AccessRow {
  method: string;
  path: string;
  body?: unknown;
  allowed: readonly Caller[];
}

export const STAFF_READ: Caller[] = ["admin", "manager", "operator", "products:read"];
export const EDITORS: Caller[] = ["admin", "manager", "products:write"];
export const EVERYONE: Caller[] = [...CALLERS];

export interface Credentials {
  users: Record<Exclude<Role, never>, SignedIn>;
  tokens: Record<Caller, string | null>;
}

export async function signInCallers(): Promise<Credentials> {
  const users = {
    admin: await signInAs("admin"),
    manager: await signInAs("manager"),
    operator: await signInAs("operator"),
    customer: await signInAs("customer"),
  };
  const key = (scopes: string[], type: "secret" | "publishable" = "secret") =>
    createApiKey(users.admin, { scopes, type }).then((k) => k.secret);
  return {
    users,
    tokens: {
      admin: users.admin.token,
      manager: users.manager.token,
      operator: users.operator.token,
      customer: users.customer.token,
      anonymous: null,
      publishable: await key([], "publishable"),
      "products:read": await key(["products:read"]),
      "products:write": await key(["products:write"]),
      "orders:read": await key(["orders:read"]),
    },
  };
}

export async function expectAccess(row: AccessRow, tokens: Record<Caller, string | null>): Promise<void> {
  const mismatches: string[] = [];
  for (const caller of CALLERS) {
    const token = tokens[caller];
    const res = await call(row.method, row.path, {
      ...(token ? { token } : {}),
      ...(row.body !== undefined ? { body: row.body } : {}),
    });
    const allowed = row.allowed.includes(caller);
    const ok = allowed
      ? res.status !== 401 && res.status !== 403 && res.status < 500
      : res.status === (caller === "anonymous" ? 401 : 403);
    if (!ok) mismatches.push(`${caller}: expected ${allowed ? "allowed" : "refused"}, got ${res.status}`);
  }
  expect(mismatches, `${row.method} ${row.path}`).toEqual([]);
}
