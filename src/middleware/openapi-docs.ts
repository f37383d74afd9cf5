import { REQUEST_ID } from "./request-context";

/*
 * What the app-wide middleware adds to every operation, written into the OpenAPI document
 * once here rather than repeated in each route: the X-Request-Id every request may send
 * and every answer carries (request-context.ts), and the 413 and 415 any /v1 request with
 * a body can meet before its route runs (security.ts).
 */

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; headers?: Record<string, unknown> }>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
const BODY_METHODS = new Set(["post", "put", "patch"]);

const requestIdParameter = {
  name: "x-request-id",
  in: "header",
  required: false,
  description:
    "Your id for this request, echoed in the answer and in every log line and problem; one is made up when absent or malformed.",
  schema: { type: "string", pattern: REQUEST_ID.source },
};
const requestIdHeader = {
  description: "The request's id (yours, or made up); problems carry it as `request_id`.",
  schema: { type: "string" },
};
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const BODY_PROBLEMS = {
  413: problem("Body too large"),
  415: problem("The body is not in a media type the endpoint takes"),
};

export function withAppWideDocs<D extends { paths?: object }>(document: D): D {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation | undefined>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const declared = (operation.parameters ?? []).some((p) => p.in === "header" && /^x-request-id$/i.test(p.name));
      if (!declared) operation.parameters = [...(operation.parameters ?? []), requestIdParameter];
      operation.responses ??= {};
      if (path.startsWith("/v1/") && BODY_METHODS.has(method)) {
        for (const [status, response] of Object.entries(BODY_PROBLEMS)) operation.responses[status] ??= response;
      }
      for (const response of Object.values(operation.responses)) {
        response.headers = { ...response.headers, "X-Request-Id": requestIdHeader };
      }
    }
  }
  return document;
}
