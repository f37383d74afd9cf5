import { z } from "@hono/zod-openapi";
import type { categories } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { booleanFlag, SlugSchema } from "../../lib/schemas";

const CategoryId = z.string().min(1).max(64).openapi({ example: "cat_01jd8x2m6x4q8n0r5b7c9d1e3f" });
const Position = z.number().int().min(0).max(1_000_000).openapi({ description: "Order among siblings, lowest first." });
const Name = z.string().trim().min(1).max(120);

export const CategorySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    parent_id: z.string().nullable(),
    position: z.number().int(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Category");

export type CategoryResponse = z.infer<typeof CategorySchema>;

export function toCategoryResponse(row: typeof categories.$inferSelect): CategoryResponse {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    parent_id: row.parentId,
    position: row.position,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export const CreateCategorySchema = z
  .strictObject({
    name: Name,
    slug: SlugSchema.optional().openapi({ description: "Generated from the name when left out." }),
    parent_id: CategoryId.nullable().optional(),
    position: Position.optional(),
  })
  .openapi("CreateCategory");

export const UpdateCategorySchema = z
  .strictObject({
    name: Name.optional(),
    slug: SlugSchema.optional(),
    parent_id: CategoryId.nullable().optional().openapi({ description: "`null` makes it a top-level category." }),
    position: Position.optional(),
  })
  .openapi("UpdateCategory");

export const ListCategoriesQuery = pageQuery.extend({
  parent_id: z.string().max(64).optional().openapi({ description: "Only the children of this category." }),
  roots_only: booleanFlag.openapi({ description: "Only top-level categories." }),
});

export const DeleteCategoryQuery = z.object({
  reassign_to: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Move the category's products to this category before deleting it." }),
});

export const CategoryPage = pageSchema(CategorySchema).openapi("CategoryPage");
