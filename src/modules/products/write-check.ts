/*
 * Checks many product writes at once without writing: each input is a create, or an
 * update when its SKU exists, and is held to what the service enforces one write at a
 * time (its schema, an existing category, `compare_at_price` above the price the
 * product will have, a barcode no other product or input holds). An import validates
 * its file with it, so a file that validated applies without refusals unless the
 * catalog changes in between.
 */
import type { Database } from "../../db/client";
import { existingCategoryIds } from "../categories";
import { barcodeKey } from "./barcode";
import { barcodeHolders, findProductsBySku } from "./lookup";
import { CreateProductSchema, UpdateProductSchema } from "./schemas";

/** The former price, when set, must be above the price. */
export const compareAtFits = (price: number | null, compareAt: number | null) =>
  price === null || compareAt === null || compareAt > price;

export interface WriteRefusal {
  /** The input's position in the list. */
  index: number;
  field: string;
  message: string;
  /** For a barcode claimed twice: the position of the input that claimed it first. */
  sameAs?: number;
}

export async function productWriteRefusals(db: Database, inputs: Record<string, unknown>[]): Promise<WriteRefusal[]> {
  const skus = inputs.map((input) => (typeof input.sku === "string" ? input.sku.trim() : ""));
  const existing = await findProductsBySku(db, skus);
  const refusals: WriteRefusal[] = [];
  const valid = inputs.flatMap((input, index) => {
    const current = existing.get(skus[index] ?? "");
    const parsed = (current ? UpdateProductSchema : CreateProductSchema).safeParse(input);
    if (parsed.success) return [{ index, current, data: parsed.data }];
    for (const issue of parsed.error.issues) {
      refusals.push({ index, field: String(issue.path[0] ?? "row"), message: issue.message });
    }
    return [];
  });
  const [categories, holders] = await Promise.all([
    existingCategoryIds(
      db,
      valid.flatMap((v) => (v.data.category_id ? [v.data.category_id] : [])),
    ),
    barcodeHolders(
      db,
      valid.flatMap((v) => (v.data.barcode ? [barcodeKey(v.data.barcode)] : [])),
    ),
  ]);
  const claimed = new Map<string, number>();
  for (const { index, current, data } of valid) {
    const refuse = (field: string, message: string, sameAs?: number) =>
      refusals.push({ index, field, message, ...(sameAs === undefined ? {} : { sameAs }) });
    if (data.category_id && !categories.has(data.category_id)) refuse("category_id", "Unknown category");
    const price = data.price !== undefined ? data.price : (current?.price ?? null);
    const compareAt = data.compare_at_price !== undefined ? data.compare_at_price : (current?.compareAtPrice ?? null);
    if (!compareAtFits(price, compareAt)) refuse("compare_at_price", "Must be greater than price");
    if (price === null && current?.status === "published") refuse("price", "A published product needs a price");
    if (data.barcode) {
      const key = barcodeKey(data.barcode);
      const holder = holders.get(key);
      const first = claimed.get(key);
      if (holder !== undefined && holder !== skus[index]) refuse("barcode", "Another product already has this barcode");
      else if (first !== undefined) refuse("barcode", "Same barcode as another input", first);
      else claimed.set(key, index);
    }
  }
  return refusals;
}
