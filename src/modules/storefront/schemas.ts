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
    price: z.number().int(),
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
