import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { newId } from "../../../src/lib/ids";
import { signInAs } from "../../support/auth";

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
