/*
 * Product images. An upload is judged by its bytes: PNG, JPEG, WebP, GIF or AVIF by
 * magic number (415 otherwise), at most 10 MiB (413), with a readable header giving
 * sane dimensions (400 otherwise). The bytes go to R2 at their content address before
 * the row is written; a product holds each picture once and at most 50 of them.
 * Positions are kept contiguous from 0: moving an image shifts its neighbours, and
 * deleting one closes the gap. Every image change is a change of the product (new
 * version, `product.updated` when published, storefront refreshed) in one batch, and
 * the R2 object goes once no image row references it.
 */
import { eq } from "drizzle-orm";
import { retryOnRace, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { productImages } from "../../db/schema";
import { badRequest, conflict, notFound, payloadTooLarge, unsupportedMediaType } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import {
  commitProductChange,
  type ImageRow,
  imagesOf,
  loadProductRow,
  productChangeBatch,
  toImageResponse,
} from "../products";
import { detectFormat, IMAGE_FORMATS, reachesEnd, readDimensions } from "./formats";
import { releaseImageObjects, storeImageObject } from "./storage";

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES_PER_PRODUCT = 50;
export const MAX_IMAGE_SIDE = 20_000;
/**
 * Total pixels: what a browser or resizer decoding the image must allocate. A tiny file
 * can declare 20,000 × 20,000 (1.6 GB of RGBA); 50 megapixels covers real product photos.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Checks the bytes and says what they are; throws the 400/413/415 the upload deserves. */
export function inspectImage(bytes: Uint8Array) {
  if (bytes.byteLength === 0) throw badRequest("The upload is empty.", [{ path: "file", message: "No bytes" }]);
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw payloadTooLarge(`Images may be at most ${MAX_IMAGE_BYTES} bytes (10 MiB).`);
  }
  const format = detectFormat(bytes);
  if (!format) {
    throw unsupportedMediaType("The file is not a PNG, JPEG, WebP, GIF or AVIF image.");
  }
  const size = readDimensions(format, bytes);
  if (!size) throw badRequest(`The ${format.toUpperCase()} header is truncated or corrupt.`);
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE) {
    throw badRequest(`Images may be at most ${MAX_IMAGE_SIDE} pixels wide and high.`);
  }
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    throw badRequest(`Images may have at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.`);
  }
  if (!reachesEnd(format, bytes)) throw badRequest(`The ${format.toUpperCase()} file is cut short (no IEND chunk).`);
  return { format, ...IMAGE_FORMATS[format], ...size };
}

export async function addProductImage(
  db: Database,
  files: R2Bucket,
  productId: string,
  upload: { bytes: Uint8Array; alt: string },
  meta: RequestMeta,
  origin: string,
) {
  const image = inspectImage(upload.bytes);
  await loadProductRow(db, productId); // 404 before anything is stored
  const digest = await crypto.subtle.digest("SHA-256", upload.bytes);
  const key = `${hex(digest)}.${image.extension}`;
  await storeImageObject(files, key, upload.bytes, image.contentType, digest);
  try {
    return await retryOnRace(async () => {
      const current = await loadProductRow(db, productId);
      const images = await imagesOf(db, productId);
      const existing = images.find((i) => i.key === key);
      if (existing) throw conflict("The product already has this image.", { image_id: existing.id });
      if (images.length >= MAX_IMAGES_PER_PRODUCT) {
        throw conflict(`A product can have at most ${MAX_IMAGES_PER_PRODUCT} images.`);
      }
      const now = nowIso();
      const row: ImageRow = {
        id: newId("img"),
        productId,
        key,
        contentType: image.contentType,
        byteSize: upload.bytes.byteLength,
        width: image.width,
        height: image.height,
        alt: upload.alt,
        position: images.length,
        createdAt: now,
        updatedAt: now,
      };
      const change = productChangeBatch(db, meta, origin, {
        current,
        set: {},
        images: [...images, row],
        imagesBefore: images,
        action: "product.image_added",
        related: [db.insert(productImages).values(row)],
      });
      await commitProductChange(db, change);
      return toImageResponse(origin, row);
    });
  } catch (err) {
    await releaseImageObjects(db, files, [key]); // nothing references it if the row never landed
    throw err;
  }
}

/** Rewrites positions 0..n-1 in list order; statements only for rows that moved. */
function renumber(db: Database, ordered: ImageRow[], now: string): { rows: ImageRow[]; statements: Statement[] } {
  const rows = ordered.map((image, position) => ({ ...image, position }));
  const statements = rows
    .filter((image, i) => image.position !== ordered[i]?.position)
    .map((image) =>
      db.update(productImages).set({ position: image.position, updatedAt: now }).where(eq(productImages.id, image.id)),
    );
  return { rows, statements };
}

function findImage(images: ImageRow[], imageId: string): ImageRow {
  const image = images.find((i) => i.id === imageId);
  if (!image) throw notFound("Image");
  return image;
}

export async function updateProductImage(
  db: Database,
  productId: string,
  imageId: string,
  input: { alt?: string | undefined; position?: number | undefined },
  meta: RequestMeta,
  origin: string,
) {
  return retryOnRace(async () => {
    const current = await loadProductRow(db, productId);
    const images = await imagesOf(db, productId);
    const image = findImage(images, imageId);
    const now = nowIso();
    const target = Math.min(input.position ?? image.position, images.length - 1);
    const others = images.filter((i) => i.id !== imageId);
    const moved = renumber(db, [...others.slice(0, target), image, ...others.slice(target)], now);
    const alt = input.alt ?? image.alt;
    if (alt === image.alt && moved.statements.length === 0) return toImageResponse(origin, image);
    const rows = moved.rows.map((i) => (i.id === imageId ? { ...i, alt, updatedAt: now } : i));
    const altChange =
      alt === image.alt
        ? []
        : [db.update(productImages).set({ alt, updatedAt: now }).where(eq(productImages.id, imageId))];
    const change = productChangeBatch(db, meta, origin, {
      current,
      set: {},
      images: rows,
      imagesBefore: images,
      action: "product.image_updated",
      related: [...moved.statements, ...altChange],
    });
    await commitProductChange(db, change);
    return toImageResponse(origin, findImage(rows, imageId));
  });
}

export async function deleteProductImage(
  db: Database,
  files: R2Bucket,
  productId: string,
  imageId: string,
  meta: RequestMeta,
  origin: string,
): Promise<void> {
  const removed = await retryOnRace(async () => {
    const current = await loadProductRow(db, productId);
    const images = await imagesOf(db, productId);
    const image = findImage(images, imageId);
    const rest = renumber(
      db,
      images.filter((i) => i.id !== imageId),
      nowIso(),
    );
    const change = productChangeBatch(db, meta, origin, {
      current,
      set: {},
      images: rest.rows,
      imagesBefore: images,
      action: "product.image_deleted",
      related: [db.delete(productImages).where(eq(productImages.id, imageId)), ...rest.statements],
    });
    await commitProductChange(db, change);
    return image;
  });
  await releaseImageObjects(db, files, [removed.key]);
}
