import { z } from "@hono/zod-openapi";
import { pageSchema } from "../../lib/pagination";
import { catalogListQuery, ImageSchema } from "../products";

/** What shoppers see: no status, version, barcode, thresholds or other back-office fields. */
export const StoreProductSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    price: z.number().int().openapi({ description: "Minor units of the store currency (`GET /v1/store/settings`)." }),
    compare_at_price: z.number().int().nullable(),
    category_id: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    images: z.array(ImageSchema),
    rating_average: z.number().nullable(),
    rating_count: z.number().int(),
    in_stock: z.boolean().nullable().openapi({ description: "Null until stock levels are available." }),
    available: z.number().int().nullable(),
    published_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("StoreProduct");

export type StoreProduct = z.infer<typeof StoreProductSchema>;

/** The settings a shop needs to show prices and explain checkout; the rest stay staff-only. */
export const StoreSettingsSchema = z
  .object({
    currency: z.string().openapi({
      example: "EUR",
      description: "ISO 4217; every price is an integer in its minor units (1800 = 18.00).",
    }),
    tax_rate_bps: z.number().int().openapi({ description: "Tax in basis points, added to the order subtotal." }),
    reservation_ttl_minutes: z.number().int().openapi({ description: "How long checkout holds the stock unpaid." }),
    return_window_days: z
      .number()
      .int()
      .openapi({ description: "Days after completion a customer may open a return." }),
    max_units_per_product_per_order: z.number().int().openapi({ description: "Most units of one product per order." }),
    max_open_orders_per_customer: z.number().int().openapi({ description: "Most unpaid orders a customer may have." }),
  })
  .openapi("StoreSettings");

export type StoreSettings = z.infer<typeof StoreSettingsSchema>;

export const StoreProductPage = pageSchema(StoreProductSchema).openapi("StoreProductPage");

export const StoreProductsQuery = catalogListQuery.extend({
  category: z.string().max(100).optional().openapi({ description: "Category slug (alternative to `category_id`)." }),
});

export interface StoreCategory {
  id: string;
  name: string;
  slug: string;
  position: number;
  children: StoreCategory[];
}

export const StoreCategorySchema: z.ZodType<StoreCategory> = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    position: z.number().int(),
    get children() {
      return z.array(StoreCategorySchema);
    },
  })
  .openapi("StoreCategory");

export const StoreCategoryTree = z.object({ data: z.array(StoreCategorySchema) }).openapi("StoreCategoryTree");

export const IdOrSlugParam = z.object({
  id_or_slug: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id_or_slug", in: "path" }, description: "Product id (`prd_…`) or slug." }),
});
