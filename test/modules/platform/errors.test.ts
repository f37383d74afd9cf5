import { env } from "cloudflare:workers";
import { HTTPException } from "hono/http-exception";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../src/app";
import { createRouter } from "../../../src/context";
import { AppError, ERROR_CODES } from "../../../src/lib/errors";
import { handleError, handleNotFound } from "../../../src/middleware/error-handler";
import { requestContext } from "../../../src/middleware/request-context";
import type { CallResult } from "../../support/http";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

const LEAKY = "D1_ERROR: no such column: password_hash: SELECT * FROM users WHERE email = 'ceo@example.com'";

/** A small app wired with the real request context and the real handlers. */
function appThatThrows(error: unknown) {
  const app = createRouter();
  app.use("*", requestContext);
  app.get("/boom", () => {
    throw error;
  });
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

async function asResult(response: Response): Promise<CallResult> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the error handler", () => {
  it("turns an unexpected error into a bare 500 problem and logs the stack instead", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await asResult(await appThatThrows(new Error(LEAKY)).request("/boom", {}, env));
    expectProblem(res, 500, "INTERNAL");
    expect(res.body.detail).toBe("Something went wrong on our side.");
    for (const secret of ["password_hash", "SELECT", "ceo@example.com", "D1_ERROR", "at ", ".ts:"]) {
      expect(res.text).not.toContain(secret);
    }
    expect(Object.keys(res.body).sort()).toEqual([
      "code",
      "detail",
      "request_id",
      "status",
      "timestamp",
      "title",
      "type",
    ]);

    expect(logged).toHaveBeenCalledOnce();
    const line = JSON.parse(String(logged.mock.calls[0]?.[0]));
    expect(line).toMatchObject({ level: "error", request_id: res.body.request_id, error: { message: LEAKY } });
    expect(line.error.stack).toContain("Error:");
  });

  it("answers each code with the one status of the code table, and the spec lists exactly those codes", async () => {
    const statuses = new Map<string, number>();
    for (const code of ERROR_CODES) {
      const res = await asResult(await appThatThrows(new AppError(code, "x")).request("/boom", {}, env));
      expect(res.body.code).toBe(code);
      expect(res.status).toBe(new AppError(code, "x").status);
      statuses.set(code, res.status);
    }
    expect(statuses.get("RANGE_NOT_SATISFIABLE")).toBe(416);
    expect(statuses.get("VALIDATION_FAILED")).toBe(400);
    const spec = (await (await createApp().request("/openapi.json", {}, env)).json()) as {
      components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } };
    };
    expect(spec.components.schemas.Problem.properties.code.enum).toEqual([...ERROR_CODES]);
  });

  it("renders AppErrors with their status, code, field errors, headers and extra members", async () => {
    const error = new AppError("INSUFFICIENT_STOCK", "Not enough stock.", {
      errors: [{ path: "lines.0.qty", message: "Only 2 left" }],
      headers: { "Retry-After": "5" },
      extra: { lines: [{ product_id: "prd_1", available: 2 }] },
    });
    const res = await asResult(await appThatThrows(error).request("/boom", {}, env));
    expectProblem(res, 409, "INSUFFICIENT_STOCK");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.body).toMatchObject({
      type: "/docs/errors#INSUFFICIENT_STOCK",
      title: "Insufficient stock",
      errors: [{ path: "lines.0.qty", message: "Only 2 left" }],
      lines: [{ product_id: "prd_1", available: 2 }],
    });
  });

  it("maps Hono's own HTTP exceptions to our codes", async () => {
    const res = await asResult(await appThatThrows(new HTTPException(413)).request("/boom", {}, env));
    expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers unknown routes with a 404 problem, and a method a route does not take with 405 and Allow", async () => {
    expectProblem(await call("GET", "/v1/no-such-thing"), 404, "NOT_FOUND");
    const wrongMethod = await call("PUT", "/v1/auth/me", { body: {} });
    expectProblem(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    expect(wrongMethod.headers.get("allow")).toBe("GET, HEAD, PATCH");
    expectProblem(await call("GET", "/nothing-here"), 404, "NOT_FOUND");
  });

  it("fails closed: a /v1 route missing from the permission table is refused", async () => {
    const app = createApp();
    let reached = false;
    app.get("/v1/unlisted", (c) => {
      reached = true;
      return c.json({ secret: "data" });
    });
    const res = await asResult(await app.request("/v1/unlisted", {}, env));
    expectProblem(res, 500, "INTERNAL");
    expect(res.body.detail).toBe("This endpoint has no permission rule.");
    expect(reached).toBe(false);
  });
});
