/*
 * Products: SKU, slug and barcode are unique (barcodes by their GTIN key, see
 * barcode.ts); prices are integer minor units and `compare_at_price`, when set, is
 * above `price`; a published product always has a price. Status changes only through
 * the lifecycle actions (lifecycle.ts). Every write bumps `version` under a guard on
 * the version it was validated against, so `If-Match` writers get 412 and exactly one
 * of two concurrent edits wins; edits of a published product emit `product.updated`
 * with the new snapshot and refresh the storefront. Only drafts that were never
 * published and never ordered (`first_ordered_at`, set by the orders module) can be
 * deleted; anything else is archived instead. A product's low-stock threshold is pushed
 * to its stock object before the D1 write, so a failed write is healed by the retry.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { guard, isForeignKeyViolation, isUniqueViolation, retryOnRace, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { takenSlugs } from "../../db/lists";
import { products } from "../../db/schema";
import type { InventoryDO } from "../../durable/inventory/object";
import { badRequest, conflict, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { generateSlug, insertWithSlug } from "../../lib/slug";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { categoryExists } from "../categories";
import { syncLowStockThreshold } from "../stock";
import { barcodeKey } from "./barcode";
import { imagesOf, loadProductRow } from "./queries";
import type { CreateProductInput, ProductResponse, UpdateProductInput } from "./schemas";
import { type ImageRow, type ProductRow, toProductResponse } from "./view";
import { compareAtFits } from "./write-check";
import { commitProductChange, productChangeBatch } from "./writes";

function productWriteError(err: unknown): unknown {
  if (isUniqueViolation(err, products, "products_sku_unique")) return conflict("Another product already has this SKU.");
  if (isUniqueViolation(err, products, "products_barcode_key_unique"))
    return conflict("Another product already has this barcode.");
  if (isUniqueViolation(err, products, "products_slug_unique"))
    return conflict("Another product already uses this slug.");
  if (isForeignKeyViolation(err)) return conflict("The category was deleted meanwhile; choose another.");
  return err;
}

function checkPrices(price: number | null, compareAt: number | null) {
  if (!compareAtFits(price, compareAt)) {
    throw badRequest("compare_at_price is the former price and must be above price.", [
      { path: "compare_at_price", message: "Must be greater than price" },
    ]);
  }
}

async function requireCategory(db: Database, categoryId: string | null | undefined) {
  if (categoryId && !(await categoryExists(db, categoryId))) {
    throw badRequest("The category does not exist.", [{ path: "category_id", message: "Unknown category" }]);
  }
}

export async function createProduct(
  db: Database,
  stock: DurableObjectNamespace<InventoryDO>,
  input: CreateProductInput,
  meta: RequestMeta,
  origin: string,
): Promise<ProductResponse> {
  const price = input.price ?? null;
  const compareAtPrice = input.compare_at_price ?? null;
  checkPrices(price, compareAtPrice);
  await requireCategory(db, input.category_id);
  const barcode = input.barcode ?? null;
  const create = async (slug: string) => {
    const now = nowIso();
    const row = {
      id: newId("prd"),
      sku: input.sku,
      barcode,
      barcodeKey: barcode === null ? null : barcodeKey(barcode),
      name: input.name,
      slug,
      description: input.description ?? "",
      price,
      compareAtPrice,
      unitCost: input.unit_cost ?? null,
      categoryId: input.category_id ?? null,
      attributes: input.attributes ?? {},
      lowStockThreshold: input.low_stock_threshold ?? null,
      status: "draft" as const,
      version: 1,
      publishedAt: null,
      firstPublishedAt: null,
      firstOrderedAt: null,
      ratingAverage: null,
      ratingCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    const response = toProductResponse(origin, { ...row, seq: 0 }, []);
    if (row.lowStockThreshold !== null) await syncLowStockThreshold(stock, row.id, row.lowStockThreshold);
    await runBatch(db, [
      db.insert(products).values(row),
      auditInsert(db, meta, { action: "product.created", entityType: "product", entityId: row.id, after: response }),
    ]);
    return response;
  };
  try {
    return await insertWithSlug(
      input.slug,
      () => generateSlug(input.name, "product", takenSlugs(db, products, products.slug)),
      (err) => isUniqueViolation(err, products, "products_slug_unique"),
      create,
    );
  } catch (err) {
    throw productWriteError(err);
  }
}

/** The columns an update changes, and nothing that stays the same. */
function changedColumns(current: ProductRow, input: UpdateProductInput) {
  const wanted = {
    sku: input.sku,
    barcode: input.barcode,
    barcodeKey: input.barcode === undefined ? undefined : input.barcode === null ? null : barcodeKey(input.barcode),
    name: input.name,
    slug: input.slug,
    description: input.description,
    price: input.price,
    compareAtPrice: input.compare_at_price,
    unitCost: input.unit_cost,
    categoryId: input.category_id,
    attributes: input.attributes,
    lowStockThreshold: input.low_stock_threshold,
  };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return Object.fromEntries(
    Object.entries(wanted).filter(([k, v]) => v !== undefined && !same(v, current[k as keyof ProductRow])),
  ) as Partial<typeof wanted>;
}

export async function updateProduct(
  db: Database,
  stock: DurableObjectNamespace<InventoryDO>,
  id: string,
  input: UpdateProductInput,
  expectedVersion: number | null,
  meta: RequestMeta,
  origin: string,
): Promise<ProductResponse> {
  return retryOnRace(async () => {
    const current = await loadProductRow(db, id);
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    const set = changedColumns(current, input);
    const images = await imagesOf(db, id);
    if (Object.keys(set).length === 0) return toProductResponse(origin, current, images);
    const price = set.price === undefined ? current.price : set.price;
    if (price === null && current.status === "published") {
      throw conflict("A published product needs a price; unpublish it first to clear the price.");
    }
    checkPrices(price, set.compareAtPrice === undefined ? current.compareAtPrice : set.compareAtPrice);
    if (set.categoryId) await requireCategory(db, set.categoryId);
    if (set.lowStockThreshold !== undefined) await syncLowStockThreshold(stock, id, set.lowStockThreshold);
    const change = productChangeBatch(db, meta, origin, {
      current,
      set,
      images,
      imagesBefore: images,
      action: "product.updated",
    });
    try {
      await commitProductChange(db, change);
    } catch (err) {
      throw productWriteError(err);
    }
    return change.snapshot;
  });
}

/**
 * What deleting a product needs of its images, which the images module owns: the rows go
 * in the deletion batch; the stored files are released once it committed.
 */
export interface ProductImageFiles {
  deleteRowsOf(db: Database, productId: string): Statement;
  release(keys: string[]): Promise<void>;
}

export async function deleteProduct(
  db: Database,
  imageFiles: ProductImageFiles,
  id: string,
  expectedVersion: number | null,
  meta: RequestMeta,
  origin: string,
): Promise<void> {
  const released: ImageRow[] = await retryOnRace(async () => {
    const current = await loadProductRow(db, id);
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    if (current.status !== "draft" || current.firstPublishedAt !== null || current.firstOrderedAt !== null) {
      throw conflict("Only drafts that were never published or ordered can be deleted; archive it instead.");
    }
    const images = await imagesOf(db, id);
    const deletable = and(
      eq(products.id, id),
      eq(products.version, current.version),
      isNull(products.firstPublishedAt),
      isNull(products.firstOrderedAt),
    );
    await runBatch(db, [
      guard(db, sql`EXISTS (SELECT 1 FROM products WHERE ${deletable})`),
      imageFiles.deleteRowsOf(db, id),
      db.delete(products).where(deletable),
      auditInsert(db, meta, {
        action: "product.deleted",
        entityType: "product",
        entityId: id,
        before: toProductResponse(origin, current, images),
      }),
    ]);
    return images;
  });
  await imageFiles.release(released.map((image) => image.key));
}
