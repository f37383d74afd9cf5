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

export const AddressSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(100).optional(),
    postal_code: z.string().trim().min(1).max(20),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, upper case")
      .openapi({ example: "GB" }),
    phone: z.string().trim().max(40).optional(),
  })
  .openapi("Address");
