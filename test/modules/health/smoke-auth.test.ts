import { describe, expect, it } from "vitest";
import { createApiKey, signInAs } from "../../support/auth";
import { call } from "../../support/http";

describe("sign-in helpers", () => {
  it("signs in as an admin and reads /v1/auth/me", async () => {
    const admin = await signInAs("admin");
    const me = await call<{ kind: string; user: { role: string }; permissions: string[] }>("GET", "/v1/auth/me", { token: admin.token });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe("admin");
    expect(me.body.permissions).toContain("POST /v1/users");
    const key = await createApiKey(admin, { scopes: ["users:read"] });
    const asKey = await call<{ kind: string; permissions: string[] }>("GET", "/v1/auth/me", { token: key.secret });
    expect(asKey.status).toBe(200);
    expect(asKey.body.permissions).toContain("GET /v1/users");
    expect(asKey.body.permissions).not.toContain("POST /v1/users");
  });
});
