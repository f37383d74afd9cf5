import { Validator } from "@seriousme/openapi-schema-validator";
import openApi31Schema from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { PERMISSIONS } from "../../../src/middleware/permissions";
import { call } from "../../support/http";

/*
 * The document is checked by @seriousme/openapi-schema-validator: ajv against the official
 * OpenAPI 3.1 JSON schema, then the validator's own check that every $ref resolves. Ajv
 * compiles with `new Function`, which this test runtime allows. What workerd lacks is a
 * file system: the validator loads its bundled schema with `readFileSync` on first use
 * (and vi.mock of node:fs breaks in workerd). So this subclass replaces only that loading
 * step: the same schema file, imported here, compiled with the same ajv set-up as the
 * package's `getAjvValidator` (ajv and ajv-formats are the versions the package uses).
 */
class BundledSchemaValidator extends Validator {
  #compiled: ReturnType<Ajv2020["compile"]> | undefined;

  getAjvValidator(version: string) {
    if (version !== "3.1") throw new Error(`only OpenAPI 3.1 is bundled, not ${version}`);
    if (!this.#compiled) {
      const ajv = new Ajv2020({ strict: false });
      addFormats(ajv);
      ajv.addFormat("media-range", true);
      this.#compiled = ajv.compile(openApi31Schema);
    }
    return this.#compiled;
  }
}

const validate = (document: unknown) =>
  new BundledSchemaValidator().validate(structuredClone(document) as Record<string, unknown>);

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

/** Routes that serve the documentation itself (and the root, which points at it) rather than the API. */
const DOCUMENTATION_ROUTES = /^(\/|\/openapi\.json|\/docs(\/.*)?)$/;

let doc: OpenApiDocument;
beforeAll(async () => {
  const res = await call<OpenApiDocument>("GET", "/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  doc = res.body;
});

/** Hono's `/users/:id` as OpenAPI's `/users/{id}`; a page routed as `/:id{[^/]+\.html}` is documented as `/{id}.html`. */
const toOpenApiPath = (path: string) =>
  path
    .replace(/\/:([A-Za-z0-9_]+)\{\[\^\/\]\+\\\.html\}/g, "/{$1}.html")
    .replace(/\/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "/{$1}");

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("is checked by a validator that does reject a broken document", async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    broken.info = { title: 42 };
    expect((await validate(broken)).valid).toBe(false);
    const dangling = structuredClone(doc) as unknown as Record<string, unknown>;
    (dangling.paths as Record<string, unknown>)["/dangling"] = {
      get: { responses: { 200: { $ref: "#/components/responses/Missing" } } },
    };
    expect((await validate(dangling)).valid).toBe(false);
  });

  it("documents every route the app serves, with its method", () => {
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL" && !DOCUMENTATION_ROUTES.test(r.path))
      .map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    expect(new Set(served).size).toBeGreaterThan(Object.keys(PERMISSIONS).length); // /v1 plus /health
    expect([...new Set(served)].filter((endpoint) => !documented.has(endpoint))).toEqual([]);
  });

  it("declares security and the 401 and 429 problems on every /v1 operation that needs them", () => {
    const gaps: string[] = [];
    for (const [endpoint, rule] of Object.entries(PERMISSIONS)) {
      const [method = "", path = ""] = endpoint.split(" ");
      const operation = doc.paths[toOpenApiPath(path)]?.[method.toLowerCase()];
      if (!operation) {
        gaps.push(`${endpoint}: not documented`);
        continue;
      }
      // Bad credentials and the rate limit can stop any /v1 request.
      for (const status of ["401", "429"]) if (!(status in operation.responses)) gaps.push(`${endpoint}: no ${status}`);
      if (!rule.anonymous && !operation.security?.length) gaps.push(`${endpoint}: no security requirement`);
    }
    expect(gaps).toEqual([]);
  });
});

describe("GET /docs", () => {
  it("serves an HTML page whose scripts and styles all come from this origin", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) expect(ref, ref).toMatch(/^\/(?!\/)/);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    for (const ref of refs) expect((await call("GET", ref)).status, ref).toBe(200);
  });

  it("serves the Swagger UI bundle from static assets and points it at /openapi.json", async () => {
    const bundle = await call("GET", "/docs/assets/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const init = await call("GET", "/docs/init.js");
    expect(init.headers.get("content-type")).toMatch(/javascript/);
    expect(init.text).toContain('url: "/openapi.json"');
  });
});
