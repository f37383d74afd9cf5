import { and, eq, sql } from "drizzle-orm";
import { guard, runBatch, type Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { products } from "../../db/schema";
import { storefrontChanged } from "../../lib/storefront-stamps";
import { auditInsert, type RequestMeta } from "../audit";
import { eventInsert } from "../events";
import { type ImageRow, type ProductRow, toProductResponse } from "./view";

type ProductColumns = Partial<Omit<typeof products.$inferInsert, "seq" | "id" | "version" | "createdAt" | "updatedAt">>;

/** One change to a product, validated by the caller against `current`. */
export interface ProductChange {
  current: ProductRow;
  set: ProductColumns;
  /** The product's images once the change is applied (for the event snapshot). */
  images: ImageRow[];
  /** The images before the change (for the audit row). */
  imagesBefore: ImageRow[];
  action: string;
  /** The outbox event; by default `product.updated` when the product is or was published. */
  event?: string | null;
  /** Statements on other rows that belong to the change (image rows), run after the update. */
  related?: Statement[];
}

/**
 * The batch for a product change: a guard on the version the caller validated against,
 * the update (which bumps the version), the related statements, the outbox event
 * carrying the new snapshot, and the audit row. If another writer got in first the guard
 * rolls all of it back. Run it with `commitProductChange`.
 */
export function productChangeBatch(db: Database, meta: RequestMeta, origin: string, change: ProductChange) {
  const { current } = change;
  const set = Object.fromEntries(Object.entries(change.set).filter(([, v]) => v !== undefined)) as ProductColumns;
  const after: ProductRow = {
    ...current,
    ...set,
    version: current.version + 1,
    updatedAt: new Date().toISOString(),
  } as ProductRow;
  const visible = current.status === "published" || after.status === "published";
  const snapshot = toProductResponse(origin, after, change.images);
  const eventType = change.event === undefined ? (visible ? "product.updated" : null) : change.event;
  const unchanged = and(eq(products.id, current.id), eq(products.version, current.version));
  const statements: Statement[] = [
    guard(db, sql`EXISTS (SELECT 1 FROM products WHERE ${unchanged})`),
    db
      .update(products)
      .set({ ...set, version: after.version, updatedAt: after.updatedAt })
      .where(unchanged),
    ...(change.related ?? []),
  ];
  if (eventType) {
    statements.push(
      eventInsert(db, { type: eventType, resourceType: "product", resourceId: current.id, data: snapshot }).statement,
    );
  }
  statements.push(
    auditInsert(db, meta, {
      action: change.action,
      entityType: "product",
      entityId: current.id,
      before: toProductResponse(origin, current, change.imagesBefore),
      after: snapshot,
    }),
  );
  return { statements, after, snapshot, visible };
}

/** Commits a product change; a product shoppers can see (or could) gets fresh storefront answers. */
export async function commitProductChange(db: Database, change: ReturnType<typeof productChangeBatch>): Promise<void> {
  await runBatch(db, change.statements);
  if (change.visible) await storefrontChanged({ productIds: [change.after.id] });
}
