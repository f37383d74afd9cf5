import { describe, expect, it } from "vitest";
import { ERROR_CODES, PROBLEM_TABLE } from "../../../src/lib/errors";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";

describe("GET /docs/errors", () => {
  it("lists every code of the code table, anchored by the code, with its status, title and meaning", async () => {
    const res = await call("GET", "/docs/errors");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    for (const code of ERROR_CODES) {
      const section = new RegExp(`<section id="${code}">([\\s\\S]*?)</section>`).exec(res.text)?.[1] ?? "";
      expect(section, code).toContain(`<span>${PROBLEM_TABLE[code].status}</span>`);
      expect(section, code).toContain(PROBLEM_TABLE[code].title);
      expect(section.length, code).toBeGreaterThan(PROBLEM_TABLE[code].title.length + 60);
    }
  });

  it("is where a live problem's type leads: the page, at the problem's code", async () => {
    const problem = expectProblem(await call("GET", "/v1/products/prd_missing"), 401, "UNAUTHENTICATED");
    const target = new URL(problem.type, "https://stockroom.test/v1/products/prd_missing");
    expect(target.pathname).toBe("/docs/errors");
    expect(target.hash).toBe("#UNAUTHENTICATED");
    const page = await call("GET", target.pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`id="${target.hash.slice(1)}"`);
  });
});
