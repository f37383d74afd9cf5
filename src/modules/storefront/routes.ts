import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { notFound } from "../../lib/errors";
import { originOf } from "../../lib/http";
import { jsonContent, problems } from "../../lib/openapi";
import { cachedLookup, cachedStoreJson } from "./cache";
import {
  IdOrSlugParam,
  StoreCategoryTree,
  StoreProductPage,
  StoreProductSchema,
  StoreProductsQuery,
  StoreSettingsSchema,
} from "./schemas";
import * as store from "./service";

const tags = ["Storefront"];
const conditional = z.object({
  "if-none-match": z.string().optional().openapi({ description: "An ETag from an earlier answer; 304 if unchanged." }),
});
const notModified = { 304: { description: "Unchanged since the ETag in If-None-Match" } };

/** Public reads for shops: anonymous callers and publishable keys. Mounted at `/v1/store`. */
export const storefrontRoutes = createRouter();

storefrontRoutes.openapi(
  createRoute({
    method: "get",
    path: "/products",
    tags,
    summary: "Published products: search, filter, sort",
    request: { query: StoreProductsQuery, headers: conditional },
    responses: { 200: jsonContent(StoreProductPage, "A page of products"), ...notModified, ...problems() },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return cachedStoreJson(c, "products", query, ["catalog"], (db) => store.listStoreProducts(db, query, originOf(c)));
  },
);

storefrontRoutes.openapi(
  createRoute({
    method: "get",
    path: "/products/{id_or_slug}",
    tags,
    summary: "One published product, by id or slug",
    request: { params: IdOrSlugParam, headers: conditional },
    responses: { 200: jsonContent(StoreProductSchema, "The product"), ...notModified, ...problems(404) },
  }),
  async (c) => {
    const { id_or_slug } = c.req.valid("param");
    // A page is cached once, by product id, so it depends on that product's stamp alone;
    // a slug is first turned into the id (a lookup cached under the catalog's stamp).
    const id = id_or_slug.startsWith("prd_")
      ? id_or_slug
      : await cachedLookup(c, "slug", { slug: id_or_slug.toLowerCase() }, ["catalog"], (db) =>
          store.publishedProductIdBySlug(db, id_or_slug.toLowerCase()),
        );
    if (id === null) throw notFound("Product");
    return cachedStoreJson(c, "product", { id }, [`product/${id}`, "products"], (db) =>
      store.getStoreProduct(db, id, originOf(c)),
    );
  },
);

storefrontRoutes.openapi(
  createRoute({
    method: "get",
    path: "/categories",
    tags,
    summary: "The whole category tree",
    request: { headers: conditional },
    responses: {
      200: jsonContent(StoreCategoryTree, "Top-level categories with their children"),
      ...notModified,
      ...problems(),
    },
  }),
  async (c) => cachedStoreJson(c, "categories", {}, ["catalog"], (db) => store.storeCategoryTree(db)),
);

storefrontRoutes.openapi(
  createRoute({
    method: "get",
    path: "/settings",
    tags,
    summary: "The store's currency, tax rate and checkout limits",
    description: "Prices in the storefront are integer minor units of this `currency`.",
    request: { headers: conditional },
    responses: { 200: jsonContent(StoreSettingsSchema, "The public settings"), ...notModified, ...problems() },
  }),
  async (c) => cachedStoreJson(c, "settings", {}, ["settings"], (db) => store.storeSettings(db)),
);
