import { z } from "@hono/zod-openapi";
import { PRODUCT_STATUSES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { booleanFlag, SlugSchema } from "../../lib/schemas";
import { BARCODE_MAX_LENGTH, checkBarcode } from "./barcode";

export const MAX_ATTRIBUTES = 50;
export const MAX_ATTRIBUTES_BYTES = 4096;
export const MAX_PRICE = 100_000_000_000; // a billion in major units: far past any catalog price

const Money = z
  .number()
  .int()
  .min(0)
  .max(MAX_PRICE)
  .openapi({ description: "Integer minor units (cents).", example: 1999 });

const Sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/, "Printable ASCII, no leading or trailing spaces")
  .openapi({ example: "TSHIRT-RED-M" });

const Barcode = z
  .string()
  .trim()
  .max(BARCODE_MAX_LENGTH)
  .superRefine((code, ctx) => {
    const check = checkBarcode(code);
    if (!check.ok) ctx.addIssue({ code: "custom", message: check.message });
  })
  .openapi({
    description:
      "Exactly 8, 12 or 13 digits are EAN-8 / UPC-A / EAN-13 and must have a valid check digit; anything else is a plain code.",
    example: "4006381333931",
  });

const AttributeKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "Letters, digits, `_`, `.` and `-`");
const AttributeValue = z.union([z.string().max(500), z.number().finite(), z.boolean(), z.null()]);

export const AttributesSchema = z
  .record(AttributeKey, AttributeValue)
  .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `At most ${MAX_ATTRIBUTES} attributes`)
  .refine(
    (a) => new TextEncoder().encode(JSON.stringify(a)).byteLength <= MAX_ATTRIBUTES_BYTES,
    `At most ${MAX_ATTRIBUTES_BYTES} bytes as JSON`,
  )
  .openapi({ description: "A small flat map of scalar values.", example: { color: "red", size: "M" } });

const Name = z.string().trim().min(1).max(200);
const Description = z.string().max(20_000);
const Threshold = z.number().int().min(0).max(1_000_000_000);
const CategoryId = z.string().min(1).max(64);

export const ImageSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ description: "Public URL of the image bytes." }),
    alt: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    position: z.number().int(),
  })
  .openapi("ProductImage");

export const ProductSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    barcode: z.string().nullable(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    price: z.number().int().nullable(),
    compare_at_price: z.number().int().nullable(),
    unit_cost: z.number().int().nullable().openapi({ description: "Cost of one unit (minor units); staff only." }),
    category_id: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    low_stock_threshold: z.number().int().nullable(),
    status: z.enum(PRODUCT_STATUSES),
    version: z.number().int(),
    published_at: z.string().nullable(),
    first_published_at: z.string().nullable(),
    rating_average: z.number().nullable(),
    rating_count: z.number().int(),
    in_stock: z.boolean().nullable().openapi({ description: "From the stock projection; null until it exists." }),
    available: z.number().int().nullable(),
    images: z.array(ImageSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Product");

export type ProductResponse = z.infer<typeof ProductSchema>;

export const CreateProductSchema = z
  .strictObject({
    sku: Sku,
    barcode: Barcode.nullable().optional(),
    name: Name,
    slug: SlugSchema.optional().openapi({ description: "Generated from the name when left out." }),
    description: Description.optional(),
    price: Money.nullable().optional().openapi({ description: "Required before publishing." }),
    compare_at_price: Money.nullable().optional().openapi({ description: "The former price; above `price`." }),
    unit_cost: Money.nullable().optional().openapi({ description: "Cost of one unit, for the stock value at cost." }),
    category_id: CategoryId.nullable().optional(),
    attributes: AttributesSchema.optional(),
    low_stock_threshold: Threshold.nullable().optional(),
  })
  .openapi("CreateProduct");

export const UpdateProductSchema = z
  .strictObject({
    sku: Sku.optional(),
    barcode: Barcode.nullable().optional(),
    name: Name.optional(),
    slug: SlugSchema.optional(),
    description: Description.optional(),
    price: Money.nullable().optional(),
    compare_at_price: Money.nullable().optional(),
    unit_cost: Money.nullable().optional(),
    category_id: CategoryId.nullable().optional(),
    attributes: AttributesSchema.optional().openapi({ description: "Replaces the whole map." }),
    low_stock_threshold: Threshold.nullable().optional(),
  })
  .openapi("UpdateProduct");

export type CreateProductInput = z.infer<typeof CreateProductSchema>;
export type UpdateProductInput = z.infer<typeof UpdateProductSchema>;

export const SORT_FIELDS = ["name", "price", "created_at", "updated_at", "relevance"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Filters both the staff list and the storefront take. */
export const catalogListQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .openapi({ description: "Full-text search in name, SKU, barcode and description." }),
  category_id: z.string().max(64).optional(),
  include_descendants: booleanFlag.openapi({ description: "With `category_id`: also products of its subcategories." }),
  min_price: z.coerce.number().int().min(0).max(MAX_PRICE).optional(),
  max_price: z.coerce.number().int().min(0).max(MAX_PRICE).optional(),
  sort: z
    .enum(SORT_FIELDS)
    .optional()
    .openapi({ description: "Default `relevance` when `q` is given (best match first), else `created_at`." }),
  order: z.enum(["asc", "desc"]).optional().openapi({ description: "Default `desc` for dates, `asc` otherwise." }),
});

export const ListProductsQuery = catalogListQuery.extend({
  status: z.enum(PRODUCT_STATUSES).optional(),
  low_stock: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ description: "Only products at or under (`true`) or above (`false`) their low-stock threshold." }),
  updated_since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only products changed at or after this time (ISO 8601)." }),
});

export const ProductPage = pageSchema(ProductSchema).openapi("ProductPage");

export const BarcodeParam = z.object({
  code: z
    .string()
    .min(1)
    .max(BARCODE_MAX_LENGTH)
    .openapi({ param: { name: "code", in: "path" }, description: "The scanned code." }),
});
