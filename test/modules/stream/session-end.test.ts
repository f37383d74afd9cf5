import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { insertProduct } from "../../support/products";
import { connect, runStreamRecheck } from "../../support/stream";

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

/** A socket watching every product, as an operator's or an inventory key's dashboard does. */
async function watchEverything(token: string) {
  const stream = await connect(token);
  stream.socket.send(JSON.stringify({ subscribe: "*" }));
  await stream.inbox.waitFor((m) => m.type === "subscribed" && m.all === true);
  return stream;
}

describe("a live-stock socket lasts only as long as its session or key", () => {
  it("is closed after logout, while a socket whose session is still open keeps receiving stock", async () => {
    const [leaving, staying] = await Promise.all([signInAs("operator"), signInAs("operator")]);
    const gone = await watchEverything(leaving.token);
    const kept = await watchEverything(staying.token);

    expect((await call("POST", "/v1/auth/logout", { token: leaving.token })).status).toBe(204);
    expect(await runStreamRecheck()).toBe(true);
    expect(await gone.inbox.closed()).toMatchObject({ code: 4401, reason: expect.stringContaining("ended") });

    const product = await insertProduct();
    const res = await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: admin.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { delta: 2, reason: "received" },
    });
    expect(res.status).toBe(201);
    await kept.inbox.waitFor((m) => m.type === "stock" && m.product_id === product.id);
    expect(kept.inbox.isClosed).toBe(false);
    kept.socket.close(1000);
  });

  it("is closed after its user is deactivated", async () => {
    const operator = await signInAs("operator");
    const stream = await watchEverything(operator.token);
    expect((await call("DELETE", `/v1/users/${operator.id}`, { token: admin.token })).status).toBe(200);
    expect(await runStreamRecheck()).toBe(true);
    expect(await stream.inbox.closed()).toMatchObject({ code: 4401 });
  });

  it("is closed after its API key is revoked, secret or publishable", async () => {
    const secret = await createApiKey(admin, { type: "secret", scopes: ["inventory:read"] });
    const publishable = await createApiKey(admin, { type: "publishable" });
    const bySecret = await watchEverything(secret.secret);
    const byPublishable = await connect(publishable.secret);
    byPublishable.socket.send(JSON.stringify({ subscribe: [(await insertProduct()).id] }));
    await byPublishable.inbox.waitFor((m) => m.type === "subscribed");

    for (const key of [secret, publishable]) {
      expect((await call("DELETE", `/v1/api-keys/${key.id}`, { token: admin.token })).status).toBe(200);
    }
    expect(await runStreamRecheck()).toBe(true);
    expect(await bySecret.inbox.closed()).toMatchObject({ code: 4401 });
    expect(await byPublishable.inbox.closed()).toMatchObject({ code: 4401 });
  });
});
