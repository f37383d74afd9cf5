import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import type { StockStreamDO } from "../../../src/durable/stream/object";
import { signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { insertProduct } from "../../support/products";
import { collect, openStream } from "../../support/stream";

describe("live stock stream", () => {
  it("pushes a change to a subscriber", async () => {
    const product = await insertProduct();
    const customer = await signInAs("customer");
    const manager = await signInAs("manager");
    const response = await openStream(customer.token, "http://localhost:3000");
    expect(response.status).toBe(101);
    const socket = response.webSocket as WebSocket;
    socket.accept();
    const inbox = collect(socket);
    socket.send(JSON.stringify({ subscribe: [product.id] }));
    await inbox.waitFor((m) => m.type === "subscribed");

    await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: manager.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { delta: 9, reason: "received" },
    });
    const message = await inbox.waitFor((m) => m.type === "stock" && m.product_id === product.id);
    expect(message).toMatchObject({ on_hand: 9, reserved: 0, available: 9, version: 1 });
    socket.close(1000, "done");
  });

  it("sends staff the per-location breakdown and everyone else the total", async () => {
    const product = await insertProduct();
    const [customer, manager] = await Promise.all([signInAs("customer"), signInAs("manager")]);
    const open = async (token: string) => {
      const socket = (await openStream(token)).webSocket as WebSocket;
      socket.accept();
      const inbox = collect(socket);
      socket.send(JSON.stringify({ subscribe: [product.id] }));
      await inbox.waitFor((m) => m.type === "subscribed");
      return { socket, inbox };
    };
    const [shopper, staff] = await Promise.all([open(customer.token), open(manager.token)]);
    await call("POST", `/v1/inventory/${product.id}/adjustments`, {
      token: manager.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { delta: 4, reason: "received" },
    });
    const seen = (m: Record<string, unknown>) => m.type === "stock" && m.product_id === product.id;
    const staffMessage = await staff.inbox.waitFor(seen);
    expect(staffMessage).toMatchObject({ available: 4, locations: [{ location_id: DEFAULT_LOCATION_ID, on_hand: 4 }] });
    const shopperMessage = await shopper.inbox.waitFor(seen);
    expect(shopperMessage).toMatchObject({ available: 4 });
    expect(shopperMessage).not.toHaveProperty("locations");
    shopper.socket.close(1000, "done");
    staff.socket.close(1000, "done");
  });

  it("lets staff watch everything but not customers", async () => {
    const customer = await signInAs("customer");
    const socket = (await openStream(customer.token)).webSocket as WebSocket;
    socket.accept();
    const inbox = collect(socket);
    socket.send(JSON.stringify({ subscribe: "*" }));
    expect(await inbox.waitFor((m) => m.type === "error")).toMatchObject({ message: expect.stringContaining("staff") });
    socket.send("not json");
    await inbox.waitFor((m) => m.type === "error" && String(m.message).includes("JSON"));
    socket.close(1000, "done");
  });

  it("refuses a foreign Origin, a missing token and a plain GET", async () => {
    const customer = await signInAs("customer");
    expect((await openStream(customer.token, "https://evil.example")).status).toBe(403);
    expect((await openStream("not-a-token")).status).toBe(401);
    const plain = await call("GET", "/v1/stream", { token: customer.token });
    expect(plain.status).toBe(426);
  });
});

describe("stream hub robustness", () => {
  it("answers a `null` frame (or any non-object JSON) with an error and keeps serving", async () => {
    const product = await insertProduct();
    const customer = await signInAs("customer");
    const socket = (await openStream(customer.token)).webSocket as WebSocket;
    socket.accept();
    const inbox = collect(socket);
    for (const frame of ["null", "42", '["prd_x"]']) socket.send(frame);
    await inbox.waitFor(() => inbox.received.filter((m) => m.type === "error").length === 3);
    socket.send(JSON.stringify({ subscribe: [product.id] }));
    await inbox.waitFor((m) => m.type === "subscribed");
    socket.close(1000);
  });

  it("does not echo a close code that may never be sent (1006: the client dropped without a close frame)", async () => {
    const hub = env.STOCK_STREAM.get(env.STOCK_STREAM.idFromName("close-codes"));
    await runInDurableObject(hub, async (instance: StockStreamDO) => {
      for (const code of [1006, 1005, 1015]) {
        const [, server] = Object.values(new WebSocketPair());
        server?.accept();
        await instance.webSocketClose(server as WebSocket, code);
      }
    });
  });
});
