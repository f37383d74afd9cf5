import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../src/context";
import { ROLES, type Role } from "../../../src/db/schema";
import { isAllowed, PERMISSIONS, type Rule, SCOPES } from "../../../src/middleware/permissions";
import { createApiKey, type SignedIn, signInAs, userActorOf } from "../../support/auth";
import { call } from "../../support/http";

/*
 * Walks the permission table: every endpoint, called by every kind of caller, must be
 * let through or refused exactly as `isAllowed` says. "Let through" means the answer is
 * neither 401 nor 403 (nor a crash): the walk sends `{}` as the body and ids that exist
 * for nothing, so 400 and 404 are the usual answers and still prove the caller got past
 * authorization. For `own` rules a signed-in caller uses its own user id, since the
 * service (not the table) refuses other ids. The walk reads the table at run time, so
 * endpoints other modules add are walked too.
 */

const NO_SUCH_ID = "zzz_00000000000000000000000000";

interface Caller {
  label: string;
  actor: Actor | null;
  credential: string | null;
  role?: Role;
  ownId?: string;
}

const users = new Map<Role, SignedIn>();
const keyCache = new Map<string, Promise<{ id: string; secret: string }>>();
let keyOwner: SignedIn;
let publishableKey: { id: string; secret: string };

function secretKey(scopes: string[]) {
  const cacheKey = [...scopes].sort().join(",");
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = createApiKey(keyOwner, { scopes, name: "walk" });
    keyCache.set(cacheKey, key);
  }
  return key;
}

function userCaller(role: Role): Caller {
  const user = users.get(role) as SignedIn;
  return { label: role, actor: userActorOf(user), credential: user.token, role, ownId: user.id };
}

async function keyCaller(label: string, scopes: string[]): Promise<Caller> {
  const key = await secretKey(scopes);
  return { label, actor: { kind: "api_key", id: key.id, type: "secret", scopes }, credential: key.secret };
}

async function callersFor(rule: Rule): Promise<Caller[]> {
  const callers: Caller[] = [{ label: "anonymous", actor: null, credential: null }, ...ROLES.map(userCaller)];
  if (rule.scope) callers.push(await keyCaller(`secret key with ${rule.scope}`, [rule.scope]));
  const others = SCOPES.filter((s) => s !== rule.scope);
  callers.push(await keyCaller(`secret key with every scope but ${rule.scope ?? "none"}`, others));
  callers.push({
    label: "publishable key",
    actor: { kind: "api_key", id: publishableKey.id, type: "publishable", scopes: [] },
    credential: publishableKey.secret,
  });
  return callers;
}

/** `/v1/users/:id` → a concrete path; Hono's optional regex suffixes and wildcards included. */
function concretePath(template: string, ownId: string | undefined): string {
  // A parameter is a whole segment starting with ":" (`/adjustments:batch` is a literal).
  return template.replace(/\/:[A-Za-z0-9_]+(\{[^}]*\})?\??(?=\/|$)/g, `/${ownId ?? NO_SUCH_ID}`).replace(/\/\*$/, "/x");
}

/** Some endpoints (logout) end the caller's session; the next endpoint gets a fresh one. */
async function keepSignedIn(role: Role): Promise<void> {
  const user = users.get(role) as SignedIn;
  if ((await call("GET", "/v1/auth/me", { token: user.token })).status === 401) users.set(role, await signInAs(role));
}

beforeAll(async () => {
  keyOwner = await signInAs("admin");
  for (const role of ROLES) users.set(role, await signInAs(role));
  publishableKey = await createApiKey(keyOwner, { type: "publishable", name: "walk pk" });
});

describe("permission table walk", () => {
  for (const [endpoint, rule] of Object.entries(PERMISSIONS)) {
    it(endpoint, async () => {
      const [method = "", template = ""] = endpoint.split(" ");
      const mismatches: string[] = [];
      for (const caller of await callersFor(rule)) {
        const path = concretePath(template, rule.own ? caller.ownId : undefined);
        const res = await call(method, path, {
          ...(caller.credential ? { token: caller.credential } : {}),
          ...(["POST", "PUT", "PATCH"].includes(method) ? { body: {} } : {}),
        });
        const allowed = isAllowed(rule, caller.actor);
        const ok = allowed
          ? res.status !== 401 && res.status !== 403 && res.status < 500
          : res.status === (caller.actor === null ? 401 : 403);
        if (!ok)
          mismatches.push(
            `${caller.label}: expected ${allowed ? "allowed" : "refused"}, got ${res.status} ${res.text.slice(0, 160)}`,
          );
        if (caller.role) await keepSignedIn(caller.role);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
