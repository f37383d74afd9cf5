import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { originOf } from "../../lib/http";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { LIFECYCLE_ACTIONS, transitionProduct } from "./lifecycle";
import { getProduct, getProductByBarcode, withImages } from "./queries";
import {
  BarcodeParam,
  CreateProductSchema,
  ListProductsQuery,
  ProductPage,
  ProductSchema,
  UpdateProductSchema,
} from "./schemas";
import { searchProducts } from "./search";
import * as products from "./service";

const tags = ["Products"];
const params = idParam("Product id (`prd_…`)");
export const productRoutes = createRouter();

productRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List and search products (every status)",
    security: bearerSecurity,
    request: { query: ListProductsQuery },
    responses: { 200: jsonContent(ProductPage, "A page of products"), ...problems() },
  }),
  async (c) => {
    const db = c.get("db");
    const page = await searchProducts(db, c.req.valid("query"));
    return c.json({ data: await withImages(db, originOf(c), page.rows), next_cursor: page.nextCursor }, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a product (as a draft)",
    security: bearerSecurity,
    request: { body: jsonBody(CreateProductSchema) },
    responses: { 201: jsonContent(ProductSchema, "The created draft"), ...problems(409) },
  }),
  async (c) => {
    const product = await products.createProduct(
      c.get("db"),
      c.env.INVENTORY,
      c.req.valid("json"),
      requestMeta(c),
      originOf(c),
    );
    c.header("Location", `/v1/products/${product.id}`);
    c.header("ETag", versionEtag(product.version));
    return c.json(product, 201);
  },
);

productRoutes.openapi(
  createRoute({
    method: "get",
    path: "/by-barcode/{code}",
    tags,
    summary: "Find a product by a scanned barcode",
    description: "UPC-A, EAN-13 and GTIN-14 forms of one GTIN find the same product.",
    security: bearerSecurity,
    request: { params: BarcodeParam },
    responses: { 200: jsonContent(ProductSchema, "The product"), ...problems(404) },
  }),
  async (c) => {
    const product = await getProductByBarcode(c.get("db"), c.req.valid("param").code, originOf(c));
    c.header("ETag", versionEtag(product.version));
    return c.json(product, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a product",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(ProductSchema, "The product"), ...problems(404) },
  }),
  async (c) => {
    const product = await getProduct(c.get("db"), c.req.valid("param").id, originOf(c));
    c.header("ETag", versionEtag(product.version));
    return c.json(product, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a product (status changes go through the lifecycle actions)",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateProductSchema) },
    responses: { 200: jsonContent(ProductSchema, "The updated product"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const product = await products.updateProduct(
      c.get("db"),
      c.env.INVENTORY,
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
      originOf(c),
    );
    c.header("ETag", versionEtag(product.version));
    return c.json(product, 200);
  },
);

const ACTION_SUMMARIES = {
  publish: "Publish a draft (draft → published)",
  unpublish: "Take a published product off sale (published → draft)",
  archive: "Archive a product (draft or published → archived)",
  restore: "Bring an archived product back as a draft (archived → draft)",
} as const;

for (const action of LIFECYCLE_ACTIONS) {
  productRoutes.openapi(
    createRoute({
      method: "post",
      path: `/{id}/${action}`,
      tags,
      summary: ACTION_SUMMARIES[action],
      security: bearerSecurity,
      request: { params, headers: ifMatchHeader },
      responses: { 200: jsonContent(ProductSchema, "The product after the transition"), ...problems(404, 409, 412) },
    }),
    async (c) => {
      const product = await transitionProduct(
        c.get("db"),
        c.req.valid("param").id,
        action,
        ifMatchVersion(c.req.header("if-match")),
        requestMeta(c),
        originOf(c),
      );
      c.header("ETag", versionEtag(product.version));
      return c.json(product, 200);
    },
  );
}
