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
  "returns",
  "customers",
  "invoices",
  "webhooks",
  "events",
  "reports",
  "settings",
  "companies",
  "samples",
  "dispatches",
] as const;
export type Scope = `${(typeof SCOPE_RESOURCES)[number]}:${"read" | "write"}`;
export const SCOPES = SCOPE_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`] as Scope[]);

const ADMIN = ["admin"] as const satisfies Role[];
const EVERYONE = ROLES;
const STAFF = ["admin", "manager", "operator"] as const satisfies Role[];

const CATALOG_EDITORS = ["admin", "manager"] as const satisfies Role[];
const MANAGERS = ["admin", "manager"] as const satisfies Role[];

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

  // Events and webhooks: staff read the event log; admins and managers read endpoints and deliveries;
  // only admins change them (an endpoint decides where every event goes).
  "GET /v1/event-types": { roles: ["admin", "manager", "operator"], anyKey: true },
  "GET /v1/events": { roles: ["admin", "manager", "operator"], scope: "events:read" },
  "GET /v1/events/:id": { roles: ["admin", "manager", "operator"], scope: "events:read" },
  "GET /v1/webhooks": { roles: ["admin", "manager"], scope: "webhooks:read" },
  "POST /v1/webhooks": { roles: ADMIN, scope: "webhooks:write" },
  "GET /v1/webhooks/:id": { roles: ["admin", "manager"], scope: "webhooks:read" },
  "PATCH /v1/webhooks/:id": { roles: ADMIN, scope: "webhooks:write" },
  "DELETE /v1/webhooks/:id": { roles: ADMIN, scope: "webhooks:write" },
  "POST /v1/webhooks/:id/rotate-secret": { roles: ADMIN, scope: "webhooks:write" },
  "POST /v1/webhooks/:id/test": { roles: ADMIN, scope: "webhooks:write" },
  "POST /v1/webhooks/:id/replay": { roles: ADMIN, scope: "webhooks:write" },
  "GET /v1/webhooks/:id/deliveries": { roles: ["admin", "manager"], scope: "webhooks:read" },
  "GET /v1/webhook-deliveries/:id": { roles: ["admin", "manager"], scope: "webhooks:read" },
  "POST /v1/webhook-deliveries/:id/replay": { roles: ADMIN, scope: "webhooks:write" },

  "GET /v1/inventory": { roles: STAFF, scope: "inventory:read" },
  "GET /v1/inventory/available": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/inventory/check": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/inventory/adjustments:batch": { roles: STAFF, scope: "inventory:write" },
  "GET /v1/inventory/:product_id": { roles: STAFF, scope: "inventory:read" },
  "PUT /v1/inventory/:product_id": { roles: STAFF, scope: "inventory:write" },
  "POST /v1/inventory/:product_id/adjustments": { roles: STAFF, scope: "inventory:write" },
  "GET /v1/inventory/:product_id/movements": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/inventory/:product_id/state-changes": { roles: STAFF, scope: "inventory:write" },
  "PUT /v1/inventory/:product_id/safety-stock": { roles: CATALOG_EDITORS, scope: "inventory:write" },

  "GET /v1/locations": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/locations": { roles: CATALOG_EDITORS, scope: "inventory:write" },
  "GET /v1/locations/:id": { roles: STAFF, scope: "inventory:read" },
  "PATCH /v1/locations/:id": { roles: CATALOG_EDITORS, scope: "inventory:write" },
  "DELETE /v1/locations/:id": { roles: CATALOG_EDITORS, scope: "inventory:write" },

  "GET /v1/transfers": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/transfers": { roles: STAFF, scope: "inventory:write" },
  "GET /v1/transfers/:id": { roles: STAFF, scope: "inventory:read" },
  "POST /v1/transfers/:id/ship": { roles: STAFF, scope: "inventory:write" },
  "POST /v1/transfers/:id/receive": { roles: STAFF, scope: "inventory:write" },
  "POST /v1/transfers/:id/cancel": { roles: STAFF, scope: "inventory:write" },
  "GET /v1/stream": { roles: EVERYONE, scope: "inventory:read", publishable: true },
  // Catalog: staff read, admins and managers write; the storefront, image bytes and
  // approved reviews are public; customers write reviews, and edit or delete their own.
  "GET /v1/categories": { roles: STAFF, scope: "products:read" },
  "POST /v1/categories": { roles: CATALOG_EDITORS, scope: "products:write" },
  "GET /v1/categories/:id": { roles: STAFF, scope: "products:read" },
  "PATCH /v1/categories/:id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "DELETE /v1/categories/:id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "GET /v1/products": { roles: STAFF, scope: "products:read" },
  "POST /v1/products": { roles: CATALOG_EDITORS, scope: "products:write" },
  "GET /v1/products/by-barcode/:code": { roles: STAFF, scope: "products:read" },
  "GET /v1/products/:id": { roles: STAFF, scope: "products:read" },
  "PATCH /v1/products/:id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "DELETE /v1/products/:id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "POST /v1/products/:id/publish": { roles: CATALOG_EDITORS, scope: "products:write" },
  "POST /v1/products/:id/unpublish": { roles: CATALOG_EDITORS, scope: "products:write" },
  "POST /v1/products/:id/archive": { roles: CATALOG_EDITORS, scope: "products:write" },
  "POST /v1/products/:id/restore": { roles: CATALOG_EDITORS, scope: "products:write" },
  "POST /v1/products/:id/images": { roles: CATALOG_EDITORS, scope: "products:write" },
  "PATCH /v1/products/:id/images/:image_id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "DELETE /v1/products/:id/images/:image_id": { roles: CATALOG_EDITORS, scope: "products:write" },
  "GET /v1/images/:key": PUBLIC,
  "GET /v1/store/products": PUBLIC,
  "GET /v1/store/products/:id_or_slug": PUBLIC,
  "GET /v1/store/categories": PUBLIC,
  "GET /v1/store/settings": PUBLIC,
  "GET /v1/products/:id/reviews": PUBLIC,
  "POST /v1/products/:id/reviews": { roles: ["customer"] },
  "GET /v1/reviews": { roles: STAFF, scope: "products:read" },
  "PATCH /v1/reviews/:id": { roles: CATALOG_EDITORS, own: ["customer"], scope: "products:write" },
  "DELETE /v1/reviews/:id": { roles: CATALOG_EDITORS, own: ["customer"], scope: "products:write" },
  // Settings, orders, payments, invoices and customers (issue 5). Customers' `own` is enforced by the services.
  "GET /v1/settings": { roles: STAFF, scope: "settings:read" },
  "PUT /v1/settings": { roles: ADMIN, scope: "settings:write" },
  "PATCH /v1/settings": { roles: ADMIN, scope: "settings:write" },
  "POST /v1/orders": { roles: STAFF, own: ["customer"], scope: "orders:write" },
  "GET /v1/orders": { roles: STAFF, own: ["customer"], scope: "orders:read" },
  "GET /v1/orders/:id": { roles: STAFF, own: ["customer"], scope: "orders:read" },
  "PATCH /v1/orders/:id": { roles: STAFF, scope: "orders:write" },
  "POST /v1/orders/:id/pay": { roles: STAFF, own: ["customer"], scope: "orders:write" },
  "POST /v1/orders/:id/fulfil": { roles: STAFF, scope: "orders:write" },
  "POST /v1/orders/:id/cancel": { roles: STAFF, own: ["customer"], scope: "orders:write" },
  "POST /v1/orders/:id/refund": { roles: ["admin", "manager"], scope: "orders:write" },
  "GET /v1/orders/stuck": { roles: ["admin", "manager"], scope: "orders:read" },
  "POST /v1/orders/:id/resume-payment": { roles: ["admin", "manager"], scope: "orders:write" },
  "GET /v1/orders/:id/flow": { roles: STAFF, scope: "orders:read" },
  "GET /v1/invoices": { roles: STAFF, own: ["customer"], scope: "invoices:read" },
  "POST /v1/invoices": { roles: STAFF, scope: "invoices:write" },
  "GET /v1/invoices/:id{[^/]+\\.html}": { roles: STAFF, own: ["customer"], scope: "invoices:read" },
  "GET /v1/invoices/:id": { roles: STAFF, own: ["customer"], scope: "invoices:read" },
  "POST /v1/invoices/:id/void": { roles: ["admin", "manager"], scope: "invoices:write" },
  // Order returns (issue 14): customers open and read their own; staff decide, receive and close; refunds are money.
  "POST /v1/orders/:id/returns": { roles: STAFF, own: ["customer"], scope: "returns:write" },
  "GET /v1/orders/:id/returns": { roles: STAFF, own: ["customer"], scope: "returns:read" },
  "GET /v1/returns": { roles: STAFF, own: ["customer"], scope: "returns:read" },
  "GET /v1/returns/:id{[^/]+\\.html}": { roles: STAFF, own: ["customer"], scope: "returns:read" },
  "GET /v1/returns/:id": { roles: STAFF, own: ["customer"], scope: "returns:read" },
  "POST /v1/returns/:id/approve": { roles: STAFF, scope: "returns:write" },
  "POST /v1/returns/:id/reject": { roles: STAFF, scope: "returns:write" },
  "POST /v1/returns/:id/receive": { roles: STAFF, scope: "returns:write" },
  "POST /v1/returns/:id/refund": { roles: ["admin", "manager"], scope: "returns:write" },
  "POST /v1/returns/:id/close": { roles: STAFF, scope: "returns:write" },
  "GET /v1/customers": { roles: STAFF, scope: "customers:read" },
  "GET /v1/customers/:id": { roles: STAFF, scope: "customers:read" },
  // Reports: managers and admins (and keys with reports:read).
  "GET /v1/reports/dashboard": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/sales": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/orders": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/customers": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/products": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/inventory": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/dispatches": { roles: MANAGERS, scope: "reports:read" },
  "GET /v1/reports/reconciliation": { roles: MANAGERS, scope: "reports:read" },
  "POST /v1/reports/reconciliation/repair": { roles: ADMIN, scope: "inventory:write" },
  // Exports: staff start and read them, and each export type is further limited (by the
  // service) to whoever may read that data, e.g. audit-log exports to admins.
  "POST /v1/exports": { roles: STAFF, scope: "reports:write" },
  "GET /v1/exports": { roles: STAFF, scope: "reports:read" },
  "GET /v1/exports/:id": { roles: STAFF, scope: "reports:read" },
  "GET /v1/exports/:id/file": { roles: STAFF, scope: "reports:read" },
  // Imports: each type further needs the permission to write what it imports (service).
  "POST /v1/imports": { roles: STAFF, scope: "reports:write" },
  "GET /v1/imports/:id": { roles: STAFF, scope: "reports:read" },
  "GET /v1/imports/:id/errors": { roles: STAFF, scope: "reports:read" },
  "POST /v1/imports/:id/confirm": { roles: STAFF, scope: "reports:write" },
  // The core shed (issue 13): staff read everything and handle samples and dispatches;
  // managers and admins keep the register of companies, projects and drillholes and cancel dispatches.
  "GET /v1/companies": { roles: STAFF, scope: "companies:read" },
  "POST /v1/companies": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/companies/:id": { roles: STAFF, scope: "companies:read" },
  "PATCH /v1/companies/:id": { roles: MANAGERS, scope: "companies:write" },
  "DELETE /v1/companies/:id": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/projects": { roles: STAFF, scope: "companies:read" },
  "POST /v1/projects": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/projects/:id": { roles: STAFF, scope: "companies:read" },
  "PATCH /v1/projects/:id": { roles: MANAGERS, scope: "companies:write" },
  "DELETE /v1/projects/:id": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/drillholes": { roles: STAFF, scope: "companies:read" },
  "POST /v1/drillholes": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/drillholes/:id": { roles: STAFF, scope: "companies:read" },
  "PATCH /v1/drillholes/:id": { roles: MANAGERS, scope: "companies:write" },
  "GET /v1/samples": { roles: STAFF, scope: "samples:read" },
  "POST /v1/samples": { roles: STAFF, scope: "samples:write" },
  "POST /v1/samples:batch": { roles: STAFF, scope: "samples:write" },
  "GET /v1/samples/:id": { roles: STAFF, scope: "samples:read" },
  "PATCH /v1/samples/:id": { roles: STAFF, scope: "samples:write" },
  "GET /v1/dispatches": { roles: STAFF, scope: "dispatches:read" },
  "POST /v1/dispatches": { roles: STAFF, scope: "dispatches:write" },
  "GET /v1/dispatches/outstanding": { roles: STAFF, scope: "dispatches:read" },
  "GET /v1/dispatches/:id{[^/]+\\.html}": { roles: STAFF, scope: "dispatches:read" },
  "GET /v1/dispatches/:id": { roles: STAFF, scope: "dispatches:read" },
  "PATCH /v1/dispatches/:id": { roles: STAFF, scope: "dispatches:write" },
  "GET /v1/dispatches/:id/samples": { roles: STAFF, scope: "dispatches:read" },
  "POST /v1/dispatches/:id/dispatch": { roles: STAFF, scope: "dispatches:write" },
  "POST /v1/dispatches/:id/return": { roles: STAFF, scope: "dispatches:write" },
  "POST /v1/dispatches/:id/close": { roles: STAFF, scope: "dispatches:write" },
  "POST /v1/dispatches/:id/cancel": { roles: MANAGERS, scope: "dispatches:write" },
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
