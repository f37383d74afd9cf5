import { eq } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { productImages } from "../../db/schema";

/**
 * Image bytes live in R2 under their own SHA-256 (`images/<sha256>.<ext>`): the same
 * picture uploaded twice, even for two products, is stored once, and a key always
 * names the same bytes, which is what lets `GET /v1/images/{key}` be cached forever.
 */
export function objectKey(key: string): string {
  return `images/${key}`;
}

export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";

export async function storeImageObject(
  files: R2Bucket,
  key: string,
  bytes: Uint8Array,
  contentType: string,
  sha256: ArrayBuffer,
): Promise<void> {
  if (await files.head(objectKey(key))) return; // same key, same bytes
  await files.put(objectKey(key), bytes, {
    sha256, // R2 refuses the write if the bytes arrive corrupted
    httpMetadata: { contentType, cacheControl: IMMUTABLE_CACHE },
  });
}

/**
 * Deletes the R2 objects of `keys` that no image row references any more. Runs after
 * the rows' batch committed, so a failure here leaves an unreferenced object (wasted
 * space), never a row pointing at nothing.
 */
export async function releaseImageObjects(db: Database, files: R2Bucket, keys: string[]): Promise<void> {
  for (const key of new Set(keys)) {
    const [still] = await db
      .select({ id: productImages.id })
      .from(productImages)
      .where(eq(productImages.key, key))
      .limit(1);
    if (!still) await files.delete(objectKey(key));
  }
}

/** Removes every image row of a product, for its deletion batch. */
export function deleteImageRowsOf(db: Database, productId: string): Statement {
  return db.delete(productImages).where(eq(productImages.productId, productId));
}
