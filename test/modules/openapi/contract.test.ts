import { beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { problemPaths } from "../../support/problem";

/*
 * What generators and tools need from the document beyond its validity: schemas that can
 * be satisfied, and every header a route needs declared where the route is.
 */

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface Schema {
  $ref?: string;
  type?: string | string[];
  maxItems?: number;
  additionalProperties?: unknown;
  allOf?: Schema[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let doc: OpenApiDocument;
beforeAll(async () => {
  doc = (await call<OpenApiDocument>("GET", "/openapi.json")).body;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
  );
const headerOf = (operation: Operation, name: string) =>
  operation.parameters?.find((p) => p.in === "header" && p.name.toLowerCase() === name);

/** Every subschema of the document with where it is, for rules about schema shapes. */
function* subschemas(node: unknown, where: string): Generator<[string, Schema]> {
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* subschemas(child, `${where}/${i}`);
  } else if (node && typeof node === "object") {
    yield [where, node as Schema];
    for (const [key, child] of Object.entries(node)) yield* subschemas(child, `${where}/${key}`);
  }
}

describe("the OpenAPI document's schemas", () => {
  it("never combine, with allOf, a closed object or a nullable type: no value could satisfy both sides", () => {
    const resolve = (s: Schema) => (s.$ref ? doc.components.schemas[s.$ref.split("/").at(-1) ?? ""] : s) ?? s;
    const unsatisfiable: string[] = [];
    for (const [where, schema] of subschemas(doc, "#")) {
      for (const member of schema.allOf ?? []) {
        const resolved = resolve(member);
        if (resolved.additionalProperties === false) unsatisfiable.push(`${where}: closed ${member.$ref ?? "object"}`);
        if ([resolved.type].flat().includes("null")) unsatisfiable.push(`${where}: nullable member`);
      }
    }
    expect(unsatisfiable).toEqual([]);
  });
});

describe("headers in the OpenAPI document", () => {
  it("bounds every repeatable query parameter (maxItems), so a tool can test it at its limit", () => {
    const unbounded = operations().flatMap(({ method, path, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === "query")
        .filter((p) => [...subschemas(p.schema, "")].some(([, s]) => s.type === "array" && s.maxItems === undefined))
        .map((p) => `${method.toUpperCase()} ${path} ?${p.name}`),
    );
    expect(unbounded).toEqual([]);
  });

  it("declares If-Match on every operation that can answer 412 or 428", () => {
    const missing = operations()
      .filter(({ operation }) => "412" in operation.responses || "428" in operation.responses)
      .filter(({ operation }) => !headerOf(operation, "if-match"))
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it("declares X-Request-Id on every request and every answer", () => {
    const missing: string[] = [];
    for (const { method, path, operation } of operations()) {
      if (!headerOf(operation, "x-request-id")) missing.push(`${method} ${path}: request`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response.headers?.["X-Request-Id"]) missing.push(`${method} ${path} ${status}: answer`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("declares Idempotency-Key wherever the route takes one, as required exactly where it is", async () => {
    const admin = await signInAs("admin");
    const gaps: string[] = [];
    let keyed = 0;
    for (const { method, path, operation } of operations()) {
      // Logout takes no key, and probing it would end the prober's session.
      if (method === "get" || !path.startsWith("/v1/") || path === "/v1/auth/logout") continue;
      const url = path.replace(/\{[^}]+\}/g, "probe-does-not-exist");
      // A malformed key is refused by the idempotency middleware before the route runs, so
      // this finds every route that takes a key without doing anything.
      const probe = await call(method.toUpperCase(), url, {
        token: admin.token,
        body: "probe",
        headers: { "idempotency-key": "not a valid key" },
      });
      const takesKey = probe.status === 400 && problemPaths(probe).includes("Idempotency-Key");
      const declared = headerOf(operation, "idempotency-key");
      const endpoint = `${method.toUpperCase()} ${path}`;
      if (takesKey !== Boolean(declared)) {
        gaps.push(`${endpoint}: takes a key ${takesKey}, declares one ${Boolean(declared)}`);
        continue;
      }
      if (!takesKey) continue;
      keyed++;
      // Without a key: a route that requires one says so before anything else; the body
      // (not an object) fails validation on the others, so nothing runs either way.
      const bare = await call(method.toUpperCase(), url, { token: admin.token, body: "probe" });
      const requiresKey = bare.status === 400 && problemPaths(bare).includes("Idempotency-Key");
      if (requiresKey !== Boolean(declared?.required)) {
        gaps.push(`${endpoint}: requires a key ${requiresKey}, declares it required ${Boolean(declared?.required)}`);
      }
    }
    expect(keyed).toBeGreaterThan(10);
    expect(gaps).toEqual([]);
  });
});
