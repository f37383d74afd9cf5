import { afterEach, describe, expect, it, vi } from "vitest";
import { users } from "../../../src/db/schema";
import { errorSummary, log } from "../../../src/lib/log";
import { db } from "../../support/db";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A real failed D1 insert whose bound values include personal data. */
async function failedInsert(email: string): Promise<unknown> {
  const row = {
    id: `usr_log_${email}`,
    email,
    name: "Pat Example",
    role: "customer" as const,
    status: "active" as const,
    passwordHash: "x",
    version: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
  await db.insert(users).values(row);
  return db
    .insert(users)
    .values({ ...row, id: `${row.id}_twin` })
    .then(() => undefined)
    .catch((err: unknown) => err);
}

describe("the logger", () => {
  it("logs a failed D1 query with its SQL and the database's own error, never its bound values", async () => {
    const email = "pat.private@example.com";
    const err = await failedInsert(email);
    expect(err).toBeInstanceOf(Error);
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    log.with({ event_id: "evt_1" }).error("write failed", { error: err });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? "{}");
    expect(entry).toMatchObject({ level: "error", message: "write failed", event_id: "evt_1" });
    expect(entry.error.query).toContain("insert into");
    expect(JSON.stringify(entry.error.cause)).toContain("UNIQUE constraint failed: users.email");
    expect(lines[0]).not.toContain(email);
    expect(lines[0]).not.toContain("Pat Example");
    expect(errorSummary(err)).toContain("UNIQUE constraint failed");
    expect(errorSummary(err)).not.toContain(email);
  });

  it("writes info to stdout and warnings and errors to stderr, with non-Error causes as text", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    log.info("hello", { request_id: "req_1" });
    log.warn("careful", { error: new Error("outer", { cause: "inner reason" }) });
    expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toEqual({
      level: "info",
      message: "hello",
      request_id: "req_1",
    });
    const warned = JSON.parse(String(errors.mock.calls[0]?.[0]));
    expect(warned).toMatchObject({ level: "warn", error: { message: "outer", cause: "inner reason" } });
  });
});
