import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../../src/db/schema";
import { sha256Hex } from "../../../src/lib/crypto";
import { signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { insertProduct } from "../../support/products";

describe("Idempotency-Key", () => {
  it("takes over a key left in progress by a request that died, instead of refusing retries for a day", async () => {
    const manager = await signInAs("manager");
    const product = await insertProduct();
    const path = `/v1/inventory/${product.id}/adjustments`;
    const body = { delta: 4, reason: "received" };
    const key = crypto.randomUUID();
    const claimedLongAgo = new Date(Date.now() - 5 * 60_000).toISOString();
    await db.insert(idempotencyKeys).values({
      actorKey: manager.id,
      key,
      requestHash: await sha256Hex(`POST ${path}\n${JSON.stringify(body)}`),
      state: "in_progress",
      createdAt: claimedLongAgo,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const retry = await call("POST", path, { token: manager.token, headers: { "idempotency-key": key }, body });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ level: { on_hand: 4 } });
    const again = await call("POST", path, { token: manager.token, headers: { "idempotency-key": key }, body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});
