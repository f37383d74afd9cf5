import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

/**
 * `paying` is the claimed, in-flight payment between `pending` and `processing`:
 * it is written before any money or stock moves, so a crash mid-payment leaves a
 * visible order that the order's workflow finishes (see src/flows/order-flow/).
 */
export const ORDER_STATUSES = ["pending", "paying", "processing", "completed", "cancelled", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** The statuses of an order that was paid and not cancelled: a purchase, invoiceable, counted in a customer's spend. */
export const PAID_STATUSES = ["processing", "completed", "refunded"] as const satisfies readonly OrderStatus[];

export const CAPTURE_MODES = ["automatic", "manual"] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

export const ORDER_SOURCES = ["checkout", "direct_sale"] as const;

export interface Address {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postal_code: string;
  country: string;
  phone?: string | undefined;
}

export interface LineAllocation {
  location_id: string;
  qty: number;
}

export type OrderMetadata = Record<string, string | number | boolean | null>;

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id").references(() => users.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    source: text("source", { enum: ORDER_SOURCES }).notNull(),
    /** Direct sales only: `<actor id> <Idempotency-Key>`, so a retried sale resumes instead of selling twice. */
    saleKey: text("sale_key"),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    taxRateBps: integer("tax_rate_bps").notNull(),
    tax: integer("tax").notNull(),
    total: integer("total").notNull(),
    refundedSubtotal: integer("refunded_subtotal").notNull().default(0),
    refundedTax: integer("refunded_tax").notNull().default(0),
    refundedTotal: integer("refunded_total").notNull().default(0),
    captureMode: text("capture_mode", { enum: CAPTURE_MODES }).notNull(),
    customerNote: text("customer_note"),
    staffNote: text("staff_note"),
    metadata: text("metadata", { mode: "json" }).$type<OrderMetadata>().notNull(),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<Address | null>(),
    billingAddress: text("billing_address", { mode: "json" }).$type<Address | null>(),
    expiresAt: text("expires_at").notNull(),
    paidAt: text("paid_at"),
    completedAt: text("completed_at"),
    cancelledAt: text("cancelled_at"),
    cancelReason: text("cancel_reason"),
    refundedAt: text("refunded_at"),
    /**
     * When the order's workflow instance first ran. Null for an order whose instance was
     * never created (its request died, or it predates the workflow): the minute sweep
     * starts those.
     */
    flowStartedAt: text("flow_started_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("orders_sale_key").on(t.saleKey),
    index("orders_created").on(t.createdAt, t.id),
    index("orders_customer_created").on(t.customerId, t.createdAt, t.id),
    index("orders_flow_unstarted").on(t.status, t.flowStartedAt, t.createdAt),
    index("orders_status_updated").on(t.status, t.updatedAt),
    check(
      "orders_money_non_negative",
      sql`${t.subtotal} >= 0 AND ${t.tax} >= 0 AND ${t.total} = ${t.subtotal} + ${t.tax}`,
    ),
    check("orders_refunds_bounded", sql`${t.refundedTotal} >= 0 AND ${t.refundedTotal} <= ${t.total}`),
  ],
);

/** One line per product: checkout merges duplicates. Price, sku and name are as at checkout. */
export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    productId: text("product_id").notNull(),
    position: integer("position").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    unitPrice: integer("unit_price").notNull(),
    qty: integer("qty").notNull(),
    lineTotal: integer("line_total").notNull(),
    refundedQty: integer("refunded_qty").notNull().default(0),
    /** Where the line's units are held (and sold from): one entry per location, as allocated at checkout. */
    allocations: text("allocations", { mode: "json" }).$type<LineAllocation[]>().notNull().default([]),
    /** Units fulfilled so far, per location. */
    fulfilled: text("fulfilled", { mode: "json" }).$type<LineAllocation[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.productId] }),
    index("order_lines_product").on(t.productId, t.orderId),
    check("order_lines_refund_bounded", sql`${t.refundedQty} >= 0 AND ${t.refundedQty} <= ${t.qty}`),
  ],
);

export const orderStatusHistory = sqliteTable(
  "order_status_history",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    orderId: text("order_id").notNull(),
    fromStatus: text("from_status", { enum: ORDER_STATUSES }),
    toStatus: text("to_status", { enum: ORDER_STATUSES }).notNull(),
    reason: text("reason"),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actorId: text("actor_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("order_status_history_order").on(t.orderId, t.seq)],
);

/** `failed`: abandoned before any money moved (the stock was gone); `declined`: refused by the provider. */
export const PAYMENT_STATUSES = ["pending", "succeeded", "declined", "failed"] as const;

/** A capture attempt. Written as `pending` when the payment is claimed, before the provider is asked. */
export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    provider: text("provider").notNull(),
    /** Provider-specific request details (e.g. the manual method and reference), kept to resume a crashed payment. */
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    providerRef: text("provider_ref"),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("payments_order").on(t.orderId, t.createdAt)],
);

export const REFUND_STATUSES = ["pending", "succeeded", "failed"] as const;

/**
 * Money and stock going back: written with the order's transition (refund, or cancel
 * of a paid order) and settled afterwards, idempotently, by the request and again by
 * the order pipeline, so a crash between the two loses nothing.
 */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    paymentId: text("payment_id").references(() => payments.id),
    reason: text("reason").notNull(),
    subtotal: integer("subtotal").notNull(),
    tax: integer("tax").notNull(),
    /** Kept back from the money (an order return's restocking fee), in minor units: amount = subtotal + tax − fee. */
    restockingFee: integer("restocking_fee").notNull().default(0),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: REFUND_STATUSES }).notNull(),
    providerRef: text("provider_ref"),
    failureMessage: text("failure_message"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("refunds_order").on(t.orderId, t.createdAt),
    index("refunds_status").on(t.status, t.updatedAt),
    check(
      "refunds_amount",
      sql`${t.restockingFee} >= 0 AND ${t.amount} = ${t.subtotal} + ${t.tax} - ${t.restockingFee} AND ${t.amount} >= 0`,
    ),
  ],
);

export const refundLines = sqliteTable(
  "refund_lines",
  {
    refundId: text("refund_id")
      .notNull()
      .references(() => refunds.id),
    productId: text("product_id").notNull(),
    qty: integer("qty").notNull(),
    restock: integer("restock", { mode: "boolean" }).notNull(),
    /** unit price × qty, without tax. */
    amount: integer("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.refundId, t.productId] })],
);

/** Which order-pipeline step has run for which event (steps are idempotent by event id). */
export const orderPipelineSteps = sqliteTable(
  "order_pipeline_steps",
  {
    eventId: text("event_id").notNull(),
    step: text("step").notNull(),
    status: text("status", { enum: ["done", "failed", "dead"] }).notNull(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.step] }), index("order_pipeline_steps_status").on(t.status)],
);
