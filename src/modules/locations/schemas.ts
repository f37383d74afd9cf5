import { z } from "@hono/zod-openapi";
import { LOCATION_KINDS, type locations } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { AddressSchema } from "../../lib/schemas";

const Code = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,19}$/, "1 to 20 upper-case letters, digits, - or _")
  .openapi({ example: "SHED-2", description: "Unique short code." });
const Priority = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .openapi({ description: "Allocation order among locations that fulfil orders: lowest first." });

export const LocationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    kind: z.enum(LOCATION_KINDS),
    address: AddressSchema.nullable(),
    fulfils_orders: z.boolean(),
    priority: z.number().int(),
    active: z.boolean(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Location");
export type LocationResponse = z.infer<typeof LocationSchema>;

export function toLocationResponse(row: typeof locations.$inferSelect): LocationResponse {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    kind: row.kind,
    address: row.address ?? null,
    fulfils_orders: row.fulfilsOrders,
    priority: row.priority,
    active: row.active,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export const CreateLocationSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    code: Code,
    kind: z.enum(LOCATION_KINDS),
    address: AddressSchema.nullable().optional(),
    fulfils_orders: z.boolean().default(false),
    priority: Priority.default(100),
    active: z.boolean().default(true),
  })
  .openapi("CreateLocation");

export const UpdateLocationSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    code: Code.optional(),
    kind: z.enum(LOCATION_KINDS).optional(),
    address: AddressSchema.nullable().optional(),
    fulfils_orders: z.boolean().optional(),
    priority: Priority.optional(),
    active: z.boolean().optional(),
  })
  .openapi("UpdateLocation");

/** `true`/`false`, or absent for either. */
const optionalFlag = z
  .enum(["true", "false"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "true"));

export const ListLocationsQuery = pageQuery.extend({
  kind: z.enum(LOCATION_KINDS).optional(),
  active: optionalFlag.openapi({ description: "Only active (true) or inactive (false) locations." }),
  fulfils_orders: optionalFlag.openapi({ description: "Only locations that do (true) or do not fulfil orders." }),
});

export const LocationPage = pageSchema(LocationSchema).openapi("LocationPage");
