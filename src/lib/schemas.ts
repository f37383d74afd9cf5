import { z } from "@hono/zod-openapi";
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from "./slug";

/** Query flags arrive as strings; only `true` and `false` are accepted. */
export const booleanFlag = z
  .enum(["true", "false"])
  .default("false")
  .transform((v) => v === "true");

export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(SLUG_MAX_LENGTH)
  .regex(SLUG_PATTERN, "Lower-case letters and digits joined by single hyphens, such as `summer-shoes-2`")
  .openapi({ example: "summer-shoes" });

/** `If-Match` on writes to versioned resources. */
export const ifMatchHeader = z.object({
  "if-match": z.string().optional().openapi({ description: 'ETag of the version you edited, such as W/"3".' }),
});
