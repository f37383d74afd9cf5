import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { products } from "../../../src/db/schema";
import { newId } from "../../../src/lib/ids";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { insertProduct } from "../../support/products";
import { connect, runStreamRecheck, type StreamMessage } from "../../support/stream";

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});

async function stock(productId: string, delta: number) {
  const res = await call("POST", `/v1/inventory/${productId}/adjustments`, {
    token: admin.token,
    headers: { "idempotency-key": crypto.randomUUID() },
    body: { delta, reason: "received" },
  });
  expect(res.status).toBe(201);
}

const stockOf = (m: StreamMessage) => (m.type === "stock" ? m.product_id : undefined);

describe("who may watch drafts on the live-stock stream", () => {
  it("a customer and a pk_ key get the same answer for a draft as for an unknown id, and watch only published products", async () => {
    const [draft, shown] = await Promise.all([insertProduct({ status: "draft" }), insertProduct()]);
    await stock(draft.id, 3);
    await stock(shown.id, 2);
    const unknown = newId("prd");
    const customer = await signInAs("customer");
    const publishable = await createApiKey(admin, { type: "publishable" });

    for (const token of [customer.token, publishable.secret]) {
      const { socket, inbox } = await connect(token);
      socket.send(JSON.stringify({ subscribe: [draft.id, unknown, shown.id] }));
      expect(await inbox.waitFor((m) => m.type === "subscribed")).toEqual({
        type: "subscribed",
        all: false,
        product_ids: [shown.id],
        not_found: [draft.id, unknown],
      });
      // Current levels are sent in the order asked: the draft's would have come first.
      await inbox.waitFor((m) => stockOf(m) === shown.id);
      expect(inbox.received.filter((m) => stockOf(m) === draft.id)).toEqual([]);
      socket.close(1000);
    }
  });

  it("staff still watch drafts", async () => {
    const draft = await insertProduct({ status: "draft" });
    await stock(draft.id, 3);
    const { socket, inbox } = await connect((await signInAs("manager")).token);
    socket.send(JSON.stringify({ subscribe: [draft.id] }));
    expect(await inbox.waitFor((m) => m.type === "subscribed")).toMatchObject({
      product_ids: [draft.id],
      not_found: [],
    });
    expect(await inbox.waitFor((m) => stockOf(m) === draft.id)).toMatchObject({ available: 3 });
    socket.close(1000);
  });

  it("drops a product from a customer's subscription once it is no longer published", async () => {
    const [kept, withdrawn] = await Promise.all([insertProduct(), insertProduct()]);
    const customer = await signInAs("customer");
    const { socket, inbox } = await connect(customer.token);
    socket.send(JSON.stringify({ subscribe: [kept.id, withdrawn.id] }));
    await inbox.waitFor((m) => m.type === "subscribed");

    await db.update(products).set({ status: "draft" }).where(eq(products.id, withdrawn.id));
    expect(await runStreamRecheck()).toBe(true);
    expect(await inbox.waitFor((m) => m.type === "subscribed" && inbox.received.indexOf(m) > 0)).toEqual({
      type: "subscribed",
      all: false,
      product_ids: [kept.id],
      not_found: [withdrawn.id],
    });
    const hub = env.STOCK_STREAM.get(env.STOCK_STREAM.idFromName("stream-0"));
    const watched = await runInDurableObject(hub, (_, state) =>
      state
        .getWebSockets()
        .map((s) => s.deserializeAttachment() as { actorId: string; products: string[] })
        .filter((a) => a.actorId === customer.id)
        .map((a) => a.products),
    );
    expect(watched).toEqual([[kept.id]]);
    socket.close(1000);
  });
});
