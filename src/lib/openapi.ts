import { z } from "@hono/zod-openapi";
import { ERROR_CODES } from "./errors";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(ERROR_CODES),
    request_id: z.string(),
    timestamp: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    lines: z
      .array(
        z
          .object({
            product_id: z.string(),
            requested: z.number().int(),
            available: z.number().int().optional(),
            refundable: z.number().int().optional(),
            returnable: z.number().int().optional(),
          })
          .openapi("ProblemLine"),
      )
      .optional()
      .openapi({
        description:
          "The lines that could not be served: `available` with INSUFFICIENT_STOCK (checkout, payment), `refundable` or `returnable` with CONFLICT (refunds, returns).",
      }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details." });

const PROBLEM_DESCRIPTIONS = {
  400: "Validation failed",
  401: "Missing or invalid credentials",
  403: "The caller may not do this",
  404: "Not found",
  409: "Conflict with the current state",
  412: "If-Match did not match the current version",
  413: "Body too large",
  415: "Unsupported media type",
  426: "Connect with a WebSocket upgrade",
  428: "If-Match is required",
  429: "Rate limited",
  503: "A dependency is unavailable",
} as const;

type ProblemStatus = keyof typeof PROBLEM_DESCRIPTIONS;

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** Problem responses every authenticated route may give, plus the ones named. */
export function problems<S extends ProblemStatus>(...statuses: S[]) {
  const all = [400, 401, 403, 429, ...statuses] as ProblemStatus[];
  return Object.fromEntries(all.map((s) => [s, problem(PROBLEM_DESCRIPTIONS[s])])) as Record<
    S | 400 | 401 | 403 | 429,
    ReturnType<typeof problem>
  >;
}

/**
 * A named (registered) schema or null. `.nullable()` of a registered schema renders as
 * allOf of its $ref and `{ type: ["object", "null"] }`, which null can never satisfy;
 * a union renders as anyOf of the $ref and `{ type: "null" }`.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** A path id; a malformed one simply finds nothing (404), as an unknown one does. */
export const idParam = (description: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: "id", in: "path" }, description }),
  });
