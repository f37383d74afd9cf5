import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueEmail } from "../../support/auth";
import { type CallResult, call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";

const MAX = Number(env.MAX_BODY_BYTES);

/** Sends a body as a stream, so it arrives chunked with no Content-Length to trust. */
async function sendStream(path: string, chunks: string[], contentType: string): Promise<CallResult> {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  const response = await exports.default.fetch(
    new Request(`https://stockroom.test${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: stream,
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

describe("request bodies", () => {
  it("answers malformed JSON with a 400 problem", async () => {
    const res = await call("POST", "/v1/auth/login", { body: '{"email": "a@example.com", "password": ' });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it("answers a body that is not JSON with 415", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await call("POST", "/v1/auth/login", {
        body: "email=a@example.com&password=x",
        headers: { "content-type": contentType },
      });
      expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("answers a streamed, non-JSON body with 415 as well", async () => {
    expectProblem(
      await sendStream("/v1/auth/login", ["email=a", "&password=b"], "text/plain"),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("accepts JSON with a charset and +json media types", async () => {
    const body = { email: uniqueEmail("charset"), password: "Wrong-Password-1" };
    for (const contentType of ["application/json; charset=utf-8", "application/vnd.api+json"]) {
      const res = await call("POST", "/v1/auth/login", { body, headers: { "content-type": contentType } });
      expectProblem(res, 401, "UNAUTHENTICATED");
    }
  });

  it("refuses a body larger than MAX_BODY_BYTES with 413, before reading it", async () => {
    const huge = JSON.stringify({ email: "a@example.com", password: "x".repeat(MAX) });
    const res = await call("POST", "/v1/auth/login", { body: huge });
    expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("refuses an oversized streamed body with 413 too", async () => {
    const chunk = "x".repeat(64 * 1024);
    const chunks = [
      '{"email":"a@example.com","password":"',
      ...Array(Math.ceil(MAX / chunk.length) + 1).fill(chunk),
      '"}',
    ];
    expectProblem(await sendStream("/v1/auth/login", chunks, "application/json"), 413, "PAYLOAD_TOO_LARGE");
  });

  it("accepts a body just under the limit (the limit is not off by a lot)", async () => {
    const padding = "x".repeat(MAX - 200);
    const res = await call("POST", "/v1/auth/login", {
      body: JSON.stringify({ email: "a@example.com", password: padding }),
    });
    // Past the size gate; the password is too long for the schema.
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problemPaths(res)).toEqual(["password"]);
  });

  it("names every unknown field", async () => {
    const res = await call("POST", "/v1/auth/login", {
      body: { email: "a@example.com", password: "x", admin: true, role: "admin" },
    });
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(res.body.errors).toEqual([
      { path: "admin", message: "Unknown field" },
      { path: "role", message: "Unknown field" },
    ]);
  });

  it("answers a JSON body of the wrong shape with 400", async () => {
    for (const body of ["[]", "null", '"text"', "42"]) {
      expectProblem(await call("POST", "/v1/auth/login", { body }), 400, "VALIDATION_FAILED");
    }
  });
});
