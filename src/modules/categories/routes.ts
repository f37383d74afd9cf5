import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { listCategories, loadCategory } from "./queries";
import {
  CategoryPage,
  CategorySchema,
  CreateCategorySchema,
  ListCategoriesQuery,
  toCategoryResponse,
  UpdateCategorySchema,
} from "./schemas";
import * as categories from "./service";

const tags = ["Categories"];
const params = idParam("Category id (`cat_…`)");
export const categoryRoutes = createRouter();

categoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List categories, by position",
    security: bearerSecurity,
    request: { query: ListCategoriesQuery },
    responses: { 200: jsonContent(CategoryPage, "A page of categories"), ...problems() },
  }),
  async (c) => c.json(await listCategories(c.get("db"), c.req.valid("query")), 200),
);

categoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a category",
    security: bearerSecurity,
    request: { body: jsonBody(CreateCategorySchema) },
    responses: { 201: jsonContent(CategorySchema, "The created category"), ...problems(409) },
  }),
  async (c) => {
    const category = await categories.createCategory(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/categories/${category.id}`);
    c.header("ETag", versionEtag(category.version));
    return c.json(category, 201);
  },
);

categoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a category",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(CategorySchema, "The category"), ...problems(404) },
  }),
  async (c) => {
    const category = toCategoryResponse(await loadCategory(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(category.version));
    return c.json(category, 200);
  },
);

categoryRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Rename, re-slug, move or reorder a category",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateCategorySchema) },
    responses: { 200: jsonContent(CategorySchema, "The updated category"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const category = await categories.updateCategory(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(category.version));
    return c.json(category, 200);
  },
);
