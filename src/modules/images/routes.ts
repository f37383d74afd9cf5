import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { type AppEnv, createRouter } from "../../context";
import { unsupportedMediaType } from "../../lib/errors";
import { originOf } from "../../lib/http";
import { bearerSecurity, idParam, jsonBody, jsonContent, ProblemSchema, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { ImageSchema } from "../products";
import {
  binary,
  ImageKeyParam,
  ImageParams,
  ImageRequestHeaders,
  UpdateImageSchema,
  UploadFormSchema,
  UploadQuery,
} from "./schemas";
import * as images from "./service";
import { serveImage } from "./serving";

const tags = ["Images"];
const UPLOAD_TYPES = /^(multipart\/form-data|image\/[a-z0-9.+-]+|application\/octet-stream)\s*(;|$)/i;

/**
 * The upload's media type, checked with a helpful answer before the body is parsed.
 * (The body's real format is decided later, from its bytes.)
 */
const requireUploadType = createMiddleware<AppEnv>(async (c, next) => {
  if (!UPLOAD_TYPES.test(c.req.header("content-type") ?? "")) {
    throw unsupportedMediaType(
      "Send the image as multipart/form-data (field `file`) or as the raw bytes with an image/* or application/octet-stream Content-Type.",
    );
  }
  await next();
});
const rawImage = { schema: z.string().openapi({ type: "string", format: "binary" }) };

/** Upload, edit and remove images; mounted under `/v1/products`. */
export const productImageRoutes = createRouter();

productImageRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/images",
    middleware: [requireUploadType] as const,
    tags,
    summary: "Upload an image (multipart field `file`, or the raw image as the body)",
    description:
      "PNG, JPEG, WebP, GIF or AVIF, judged by content, up to 10 MiB. Alt text goes in the form field `alt`, or `?alt=` for a raw body.",
    security: bearerSecurity,
    request: {
      params: idParam("Product id (`prd_…`)"),
      query: UploadQuery,
      body: {
        required: false,
        content: {
          "multipart/form-data": { schema: UploadFormSchema },
          "image/*": rawImage,
          "application/octet-stream": rawImage,
        },
      },
    },
    responses: { 201: jsonContent(ImageSchema, "The stored image"), ...problems(404, 409, 413, 415) },
  }),
  async (c) => {
    const isForm = (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
    // The form validator ran only for multipart bodies; raw bodies are read as they are.
    const form = isForm ? c.req.valid("form") : null;
    const upload =
      form !== null && typeof form === "object"
        ? { bytes: new Uint8Array(await form.file.arrayBuffer()), alt: form.alt ?? "" }
        : { bytes: new Uint8Array(await c.req.arrayBuffer()), alt: c.req.valid("query").alt ?? "" };
    const { id } = c.req.valid("param");
    const image = await images.addProductImage(c.get("db"), c.env.FILES, id, upload, requestMeta(c), originOf(c));
    c.header("Location", `/v1/products/${id}/images/${image.id}`);
    return c.json(image, 201);
  },
);

productImageRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}/images/{image_id}",
    tags,
    summary: "Change an image's alt text or position",
    security: bearerSecurity,
    request: { params: ImageParams, body: jsonBody(UpdateImageSchema) },
    responses: { 200: jsonContent(ImageSchema, "The image"), ...problems(404, 409) },
  }),
  async (c) => {
    const { id, image_id } = c.req.valid("param");
    const image = await images.updateProductImage(
      c.get("db"),
      id,
      image_id,
      c.req.valid("json"),
      requestMeta(c),
      originOf(c),
    );
    return c.json(image, 200);
  },
);

productImageRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}/images/{image_id}",
    tags,
    summary: "Remove an image (its bytes go too unless another image uses them)",
    security: bearerSecurity,
    request: { params: ImageParams },
    responses: { 204: { description: "Removed" }, ...problems(404, 409) },
  }),
  async (c) => {
    const { id, image_id } = c.req.valid("param");
    await images.deleteProductImage(c.get("db"), c.env.FILES, id, image_id, requestMeta(c), originOf(c));
    return c.body(null, 204);
  },
);

/** Public image bytes; mounted at `/v1/images`. */
export const imageRoutes = createRouter();

imageRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{key}",
    tags,
    summary: "Image bytes (public, immutable, cacheable, ranged)",
    request: { params: ImageKeyParam, headers: ImageRequestHeaders },
    responses: {
      200: binary("The image"),
      206: binary("The requested byte range"),
      304: { description: "The caller's copy is current" },
      416: {
        description: "The range lies outside the image",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
      ...problems(404),
    },
  }),
  async (c) => {
    const headers = c.req.valid("header");
    return serveImage(c.env.FILES, c.req.valid("param").key, {
      ifNoneMatch: headers["if-none-match"],
      range: headers.range,
      ifRange: headers["if-range"],
    });
  },
);
