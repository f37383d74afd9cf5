/*
 * Deleting a product or a category reaches into a second module: a product's image rows
 * and files belong to images, a category's products to products. These two routes live
 * here, handing each service what it needs of the other module, so that neither module
 * depends on the one that depends on it.
 */
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion } from "../../lib/etag";
import { originOf } from "../../lib/http";
import { bearerSecurity, idParam, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { type CategoryProducts, DeleteCategoryQuery, deleteCategory } from "../../modules/categories";
import { deleteImageRowsOf, releaseImageObjects } from "../../modules/images";
import { countProductsInCategory, deleteProduct, moveCategoryProducts } from "../../modules/products";

const categoryProducts: CategoryProducts = { count: countProductsInCategory, moveAll: moveCategoryProducts };

/** `DELETE /v1/products/{id}`, mounted beside the product routes. */
export const productRemovalRoutes = createRouter();

productRemovalRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Products"],
    summary: "Delete a draft that was never published or ordered (otherwise archive it)",
    security: bearerSecurity,
    request: { params: idParam("Product id (`prd_…`)"), headers: ifMatchHeader },
    responses: { 204: { description: "Deleted" }, ...problems(404, 409, 412) },
  }),
  async (c) => {
    const db = c.get("db");
    await deleteProduct(
      db,
      { deleteRowsOf: deleteImageRowsOf, release: (keys) => releaseImageObjects(db, c.env.FILES, keys) },
      c.req.valid("param").id,
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
      originOf(c),
    );
    return c.body(null, 204);
  },
);

/** `DELETE /v1/categories/{id}`, mounted beside the category routes. */
export const categoryRemovalRoutes = createRouter();

categoryRemovalRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Categories"],
    summary: "Delete a category without subcategories (`reassign_to` moves its products first)",
    security: bearerSecurity,
    request: { params: idParam("Category id (`cat_…`)"), query: DeleteCategoryQuery },
    responses: { 204: { description: "Deleted" }, ...problems(404, 409) },
  }),
  async (c) => {
    await deleteCategory(
      c.get("db"),
      categoryProducts,
      c.req.valid("param").id,
      c.req.valid("query").reassign_to,
      requestMeta(c),
    );
    return c.body(null, 204);
  },
);
