import { beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../../src/middleware/permissions";
import { createApiKey, signInAs } from "../../support/auth";
import { call } from "../../support/http";

/*
 * The role matrix of the events and webhooks routes, written out by intent (not
 * derived from the permission table, so a wrong table entry fails here). Allowed
 * callers must get past authorization (any answer but 401/403: unknown ids give 404,
 * empty bodies 400); everyone else gets 401 without credentials and 403 with.
 */

type Caller =
  | "anonymous"
  | "admin"
  | "manager"
  | "operator"
  | "customer"
  | "key:webhooks:read"
  | "key:webhooks:write"
  | "key:events:read"
  | "key:no-scope"
  | "publishable";

const ANY_SECRET_KEY: Caller[] = ["key:webhooks:read", "key:webhooks:write", "key:events:read", "key:no-scope"];
const WEBHOOK_READERS: Caller[] = ["admin", "manager", "key:webhooks:read"];
const WEBHOOK_WRITERS: Caller[] = ["admin", "key:webhooks:write"];
const ID = "zzz_00000000000000000000000000";

const MATRIX: [method: string, path: string, endpoint: string, allowed: Caller[]][] = [
  ["GET", "/v1/event-types", "GET /v1/event-types", ["admin", "manager", "operator", ...ANY_SECRET_KEY]],
  ["GET", "/v1/events", "GET /v1/events", ["admin", "manager", "operator", "key:events:read"]],
  ["GET", `/v1/events/${ID}`, "GET /v1/events/:id", ["admin", "manager", "operator", "key:events:read"]],
  ["GET", "/v1/webhooks", "GET /v1/webhooks", WEBHOOK_READERS],
  ["POST", "/v1/webhooks", "POST /v1/webhooks", WEBHOOK_WRITERS],
  ["GET", `/v1/webhooks/${ID}`, "GET /v1/webhooks/:id", WEBHOOK_READERS],
  ["PATCH", `/v1/webhooks/${ID}`, "PATCH /v1/webhooks/:id", WEBHOOK_WRITERS],
  ["DELETE", `/v1/webhooks/${ID}`, "DELETE /v1/webhooks/:id", WEBHOOK_WRITERS],
  ["POST", `/v1/webhooks/${ID}/rotate-secret`, "POST /v1/webhooks/:id/rotate-secret", WEBHOOK_WRITERS],
  ["POST", `/v1/webhooks/${ID}/test`, "POST /v1/webhooks/:id/test", WEBHOOK_WRITERS],
  ["POST", `/v1/webhooks/${ID}/replay?since=2026-01-01T00:00:00Z`, "POST /v1/webhooks/:id/replay", WEBHOOK_WRITERS],
  ["GET", `/v1/webhooks/${ID}/deliveries`, "GET /v1/webhooks/:id/deliveries", WEBHOOK_READERS],
  ["GET", `/v1/webhook-deliveries/${ID}`, "GET /v1/webhook-deliveries/:id", WEBHOOK_READERS],
  ["POST", `/v1/webhook-deliveries/${ID}/replay`, "POST /v1/webhook-deliveries/:id/replay", WEBHOOK_WRITERS],
];

const credentials = new Map<Caller, string | null>();

beforeAll(async () => {
  const admin = await signInAs("admin");
  credentials.set("anonymous", null);
  credentials.set("admin", admin.token);
  for (const role of ["manager", "operator", "customer"] as const) credentials.set(role, (await signInAs(role)).token);
  for (const scope of ["webhooks:read", "webhooks:write", "events:read"]) {
    credentials.set(`key:${scope}` as Caller, (await createApiKey(admin, { scopes: [scope] })).secret);
  }
  credentials.set("key:no-scope", (await createApiKey(admin, { scopes: [] })).secret);
  credentials.set("publishable", (await createApiKey(admin, { type: "publishable" })).secret);
});

describe("events and webhooks role matrix", () => {
  it("covers every events and webhooks route in the permission table", () => {
    const ours = Object.keys(PERMISSIONS).filter((e) =>
      /^\w+ \/v1\/(events|event-types|webhooks|webhook-deliveries)\b/.test(e),
    );
    expect(ours.sort()).toEqual(MATRIX.map(([, , endpoint]) => endpoint).sort());
  });

  it.each(MATRIX)("%s %s", async (method, path, _endpoint, allowed) => {
    for (const [caller, token] of credentials) {
      const body = method === "GET" || method === "DELETE" ? undefined : {};
      const res = await call(method, path, { ...(token ? { token } : {}), ...(body ? { body } : {}) });
      if (allowed.includes(caller)) {
        expect([401, 403, 500], `${caller} should pass: ${res.text}`).not.toContain(res.status);
      } else {
        expect(res.status, `${caller} should be refused`).toBe(caller === "anonymous" ? 401 : 403);
      }
    }
  });
});
