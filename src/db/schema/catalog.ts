import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { users } from "./identity";

export const PRODUCT_STATUSES = ["draft", "published", "archived"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const REVIEW_STATUSES = ["pending", "approved", "rejected"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** A small scalar map such as `{ "color": "red", "weight_g": 120 }`. */
export type ProductAttributes = Record<string, string | number | boolean | null>;

/** The category tree: `parent_id` points up; the services refuse cycles. */
export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    parentId: text("parent_id").references((): AnySQLiteColumn => categories.id),
    position: integer("position").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("categories_slug_unique").on(t.slug), index("categories_parent").on(t.parentId, t.position)],
);

export const products = sqliteTable(
  "products",
  {
    /**
     * An INTEGER PRIMARY KEY is SQLite's stable rowid; the FTS5 index (custom migration
     * `products_fts`) is keyed by it. A text primary key would leave the rowid free to
     * change on VACUUM, silently pointing search hits at the wrong products.
     */
    seq: integer("seq").primaryKey(),
    id: text("id").notNull(),
    sku: text("sku").notNull(),
    barcode: text("barcode"),
    /** The barcode as compared: EAN/UPC codes as 14-digit GTINs, other codes as entered. */
    barcodeKey: text("barcode_key"),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    price: integer("price"),
    compareAtPrice: integer("compare_at_price"),
    /** What one unit cost the store, minor units; private to staff, used for stock value. */
    unitCost: integer("unit_cost"),
    categoryId: text("category_id").references(() => categories.id),
    attributes: text("attributes", { mode: "json" }).$type<ProductAttributes>().notNull(),
    lowStockThreshold: integer("low_stock_threshold"),
    status: text("status", { enum: PRODUCT_STATUSES }).notNull().default("draft"),
    version: integer("version").notNull().default(1),
    publishedAt: text("published_at"),
    firstPublishedAt: text("first_published_at"),
    /** Set by the orders module the first time an order line names the product. */
    firstOrderedAt: text("first_ordered_at"),
    ratingAverage: real("rating_average"),
    ratingCount: integer("rating_count").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("products_id_unique").on(t.id),
    uniqueIndex("products_sku_unique").on(t.sku),
    uniqueIndex("products_barcode_key_unique").on(t.barcodeKey),
    uniqueIndex("products_slug_unique").on(t.slug),
    index("products_category").on(t.categoryId),
    index("products_status_created").on(t.status, t.createdAt, t.id),
    index("products_status_updated").on(t.status, t.updatedAt, t.id),
    index("products_status_price").on(t.status, t.price, t.id),
    index("products_status_name").on(t.status, sql`${t.name} COLLATE NOCASE`, t.id),
  ],
);

export const productImages = sqliteTable(
  "product_images",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    /** Content address: `<sha256 hex>.<ext>`; the R2 object is `images/<key>`. */
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    byteSize: integer("byte_size").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    alt: text("alt").notNull().default(""),
    position: integer("position").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("product_images_product_key").on(t.productId, t.key),
    index("product_images_product_position").on(t.productId, t.position),
    index("product_images_key").on(t.key),
  ],
);

export const reviews = sqliteTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    /** The public byline ("Ada L."), fixed when the review is written. */
    authorName: text("author_name").notNull(),
    rating: integer("rating").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("pending"),
    /** True when the orders module vouches for a paid order of the product by the author. */
    verifiedPurchase: integer("verified_purchase", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    moderatedBy: text("moderated_by"),
    moderatedAt: text("moderated_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reviews_product_author").on(t.productId, t.authorId),
    index("reviews_product_status").on(t.productId, t.status, t.id),
    index("reviews_status").on(t.status, t.id),
    check("reviews_rating_range", sql`${t.rating} BETWEEN 1 AND 5`),
  ],
);
