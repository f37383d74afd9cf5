import type { Actor } from "../context";
import { ROLES, type Role } from "../db/schema";

/**
 * Who may call an endpoint.
 * - `roles`: signed-in users with one of these roles.
 * - `own`: roles that may call it only for themselves; the service enforces the "own".
 * - `scope`: secret API keys holding this scope.
 * - `anyKey`: every valid API key (used by `GET /v1/auth/me`).
 * - `publishable`: publishable (`pk_`) keys, which only ever read the storefront.
 * - `anonymous`: callers without credentials.
 */
export interface Rule {
  roles: readonly Role[];
  own?: readonly Role[];
  scope?: Scope;
  anyKey?: true;
  publishable?: true;
  anonymous?: true;
}

export const SCOPE_RESOURCES = [
  "users",
  "audit",
  "products",
  "inventory",
  "orders",
  "customers",
  "invoices",
  "webhooks",
  "events",
  "reports",
  "settings",
] as const;
export type Scope = `${(typeof SCOPE_RESOURCES)[number]}:${"read" | "write"}`;
export const SCOPES = SCOPE_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`] as Scope[]);

const ADMIN = ["admin"] as const satisfies Role[];
const EVERYONE = ROLES;

const PUBLIC: Rule = { roles: EVERYONE, anyKey: true, publishable: true, anonymous: true };

/**
 * The one permission table: every `/v1` endpoint, by `METHOD /path`, and who may call it.
 * The authorize middleware refuses any endpoint missing from it, and the tests walk it.
 */
export const PERMISSIONS: Record<string, Rule> = {
  "POST /v1/auth/register": PUBLIC,
  "POST /v1/auth/login": PUBLIC,
  "POST /v1/auth/refresh": PUBLIC,
  "POST /v1/auth/logout": { roles: EVERYONE },
  "GET /v1/auth/me": { roles: EVERYONE, anyKey: true },
  "PATCH /v1/auth/me": { roles: EVERYONE },
  "POST /v1/auth/password": { roles: EVERYONE },

  "GET /v1/users": { roles: ADMIN, scope: "users:read" },
  "POST /v1/users": { roles: ADMIN, scope: "users:write" },
  "GET /v1/users/:id": { roles: ADMIN, own: ["manager", "operator", "customer"], scope: "users:read" },
  "PATCH /v1/users/:id": { roles: ADMIN, scope: "users:write" },
  "DELETE /v1/users/:id": { roles: ADMIN, scope: "users:write" },

  "GET /v1/api-keys": { roles: ADMIN },
  "POST /v1/api-keys": { roles: ADMIN },
  "DELETE /v1/api-keys/:id": { roles: ADMIN },

  "GET /v1/audit-logs": { roles: ADMIN, scope: "audit:read" },
};

export function isAllowed(rule: Rule, actor: Actor | null): boolean {
  if (actor === null) return rule.anonymous === true;
  if (actor.kind === "user") return rule.roles.includes(actor.role) || (rule.own?.includes(actor.role) ?? false);
  if (actor.type === "publishable") return rule.publishable === true;
  return rule.anyKey === true || (rule.scope !== undefined && actor.scopes.includes(rule.scope));
}

/** Every endpoint the actor may call, for `GET /v1/auth/me`. */
export function permissionsOf(actor: Actor): string[] {
  return Object.entries(PERMISSIONS)
    .filter(([, rule]) => isAllowed(rule, actor))
    .map(([endpoint]) => endpoint);
}
