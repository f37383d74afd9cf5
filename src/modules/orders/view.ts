import type { Actor } from "../../context";
import { isCustomer, type LineRow, type OrderRow } from "./store";

/** Staff notes and metadata are the store's own: customers see neither. */
export function toOrderViewFor(actor: Actor | null, order: OrderRow) {
  const view = toOrderView(order);
  return isCustomer(actor) ? { ...view, staff_note: null, metadata: {} } : view;
}

export function toOrderView(order: OrderRow) {
  return {
    id: order.id,
    status: order.status,
    source: order.source,
    customer_id: order.customerId,
    currency: order.currency,
    subtotal: order.subtotal,
    tax_rate_bps: order.taxRateBps,
    tax: order.tax,
    total: order.total,
    refunded_subtotal: order.refundedSubtotal,
    refunded_tax: order.refundedTax,
    refunded_total: order.refundedTotal,
    capture_mode: order.captureMode,
    customer_note: order.customerNote,
    staff_note: order.staffNote,
    metadata: order.metadata,
    shipping_address: order.shippingAddress ?? null,
    billing_address: order.billingAddress ?? null,
    expires_at: order.expiresAt,
    paid_at: order.paidAt,
    completed_at: order.completedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason,
    refunded_at: order.refundedAt,
    version: order.version,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
  };
}

export function toLineView(line: LineRow) {
  return {
    product_id: line.productId,
    sku: line.sku,
    name: line.name,
    unit_price: line.unitPrice,
    qty: line.qty,
    line_total: line.lineTotal,
    refunded_qty: line.refundedQty,
    allocations: line.allocations,
    fulfilled: line.fulfilled,
    fulfilled_qty: line.fulfilled.reduce((sum, f) => sum + f.qty, 0),
  };
}

/** The outbox payload of every order.* event (the catalog's OrderEventData). */
export function orderEventData(order: OrderRow, extra: Record<string, unknown> = {}) {
  return {
    id: order.id,
    version: order.version,
    status: order.status,
    customer_id: order.customerId,
    total: order.total,
    currency: order.currency,
    ...extra,
  };
}
