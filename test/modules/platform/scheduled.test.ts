import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../../../src/db/schema";
import worker from "../../../src/index";
import { newId } from "../../../src/lib/ids";
import { signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { insertProduct } from "../../support/products";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function addSession(userId: string, expiresAt: number, tokenExpiries: number[]) {
  const sessionId = newId("ses");
  const iso = (ms: number) => new Date(ms).toISOString();
  await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
    .bind(sessionId, userId, iso(expiresAt - 7 * DAY), iso(expiresAt))
    .run();
  for (const expiry of tokenExpiries) {
    await env.DB.prepare(
      "INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
    )
      .bind(newId("rtk"), sessionId, crypto.randomUUID(), iso(expiry), iso(expiry - 7 * DAY))
      .run();
  }
  return sessionId;
}

async function count(table: "sessions" | "refresh_tokens", column: string, value: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`)
    .bind(value)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

describe("hourly retention cron (17 * * * *)", () => {
  it("prunes sessions and refresh tokens that expired more than a day ago, and nothing else", async () => {
    const user = await signInAs("customer");
    const now = Date.now();
    // Long dead; one of its tokens was minted late by a rotation and outlives the session.
    const dead = await addSession(user.id, now - 2 * DAY, [now - 2 * DAY, now + 3 * DAY]);
    const recent = await addSession(user.id, now - HOUR, [now - HOUR]);

    // The worker's own scheduled handler, with the controller a cron trigger would pass.
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now }), env);

    expect(await count("sessions", "id", dead)).toBe(0);
    expect(await count("refresh_tokens", "session_id", dead)).toBe(0);
    expect(await count("sessions", "id", recent)).toBe(1);
    expect(await count("refresh_tokens", "session_id", recent)).toBe(1);
    // The live session from the sign-in is untouched and still works.
    expect(await count("sessions", "user_id", user.id)).toBe(2);
  });
});

describe("idempotency keys expire", () => {
  it("forgets a key older than 24 hours at the hourly run, and a fresh key still replays", async () => {
    const manager = await signInAs("manager");
    const product = await insertProduct();
    const path = `/v1/inventory/${product.id}/adjustments`;
    const body = { delta: 2, reason: "received" };
    const send = (key: string) =>
      call("POST", path, { token: manager.token, headers: { "idempotency-key": key }, body });
    const oldKey = crypto.randomUUID();
    const freshKey = crypto.randomUUID();
    expect((await send(oldKey)).status).toBe(201);
    expect((await send(freshKey)).status).toBe(201);
    const keyRow = (key: string) =>
      db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.actorKey, manager.id), eq(idempotencyKeys.key, key)));
    // The old key was stored 25 hours ago, so its 24 hours ran out an hour ago.
    await db
      .update(idempotencyKeys)
      .set({
        createdAt: new Date(Date.now() - 25 * HOUR).toISOString(),
        expiresAt: new Date(Date.now() - HOUR).toISOString(),
      })
      .where(eq(idempotencyKeys.key, oldKey));

    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: Date.now() }), env);

    expect(await keyRow(oldKey)).toHaveLength(0);
    expect(await keyRow(freshKey)).toHaveLength(1);
    const replay = await send(freshKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    // The forgotten key is new again: the same request runs once more.
    const rerun = await send(oldKey);
    expect(rerun.status).toBe(201);
    expect(rerun.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("cron dispatch", () => {
  it("fails loudly on a schedule it does not know", async () => {
    await expect(
      worker.scheduled(createScheduledController({ cron: "0 0 * * *", scheduledTime: Date.now() }), env),
    ).rejects.toThrow(/Unknown cron schedule "0 0 \* \* \*"/);
  });
});
