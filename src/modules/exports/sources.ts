import {
  DISPATCH_STATUSES,
  type ExportFilters,
  type ExportType,
  INVOICE_STATUSES,
  ORDER_STATUSES,
  PRODUCT_STATUSES,
  SAMPLE_STATUSES,
  USER_STATUSES,
} from "../../db/schema";
import { MOVEMENT_REASONS } from "../../durable/inventory/types";

/** One documented CSV column: its header and what it holds. */
export interface ColumnDoc {
  name: string;
  description: string;
}

type FilterName = keyof ExportFilters;

/**
 * What an export type reads: a table, the column expressions (in CSV order), the keyset
 * it pages by (unique, indexed), the filters it accepts mapped to their column, and the
 * endpoint whose permission decides who may read that data.
 */
export interface ExportSource {
  description: string;
  readEndpoint: string;
  from: string;
  columns: [ColumnDoc, string][];
  key: string[];
  filters: Partial<Record<FilterName, string>>;
  /** The values a filter may take where its column holds one of a fixed set. */
  values?: Partial<Record<FilterName, readonly string[]>>;
  /** A condition every row of this type meets (customers are the `customer` accounts). */
  where?: string;
}

const col = (name: string, description: string, expression: string): [ColumnDoc, string] => [
  { name, description },
  expression,
];

const MONEY = "minor units of `currency`";

export const EXPORT_SOURCES: Record<ExportType, ExportSource> = {
  products: {
    description: "The catalog, one row per product, oldest first.",
    readEndpoint: "GET /v1/products",
    from: "products p",
    columns: [
      col("id", "Product id (`prd_…`).", "p.id"),
      col("sku", "Stock-keeping unit, unique.", "p.sku"),
      col("name", "Product name.", "p.name"),
      col("status", "draft, published or archived.", "p.status"),
      col("price", `Price, ${MONEY}; empty when unset.`, "p.price"),
      col("unit_cost", `Cost of one unit, ${MONEY}; empty when unset.`, "p.unit_cost"),
      col("category_id", "Category id, empty when none.", "p.category_id"),
      col("barcode", "Barcode as entered.", "p.barcode"),
      col("low_stock_threshold", "Available stock at or below which it is low.", "p.low_stock_threshold"),
      col("created_at", "ISO 8601 UTC.", "p.created_at"),
      col("updated_at", "ISO 8601 UTC.", "p.updated_at"),
    ],
    key: ["p.seq"],
    filters: { from: "p.created_at", to: "p.created_at", status: "p.status" },
    values: { status: PRODUCT_STATUSES },
  },
  inventory: {
    description: "Stock per product and location, as projected from the stock objects.",
    readEndpoint: "GET /v1/inventory",
    from: "stock_location_levels s JOIN locations l ON l.id = s.location_id LEFT JOIN products p ON p.id = s.product_id",
    columns: [
      col("product_id", "Product id.", "s.product_id"),
      col("sku", "Product SKU.", "p.sku"),
      col("location_id", "Location id (`loc_…`).", "s.location_id"),
      col("location_code", "The location's code.", "l.code"),
      col("on_hand", "Units on hand at the location.", "s.on_hand"),
      col("reserved", "Units held for orders.", "s.reserved"),
      col("available", "What can be sold from here.", "s.available"),
      col("damaged", "Damaged units.", "s.damaged"),
      col("quarantine", "Units in quarantine.", "s.quarantine"),
      col("incoming", "Units on their way here.", "s.incoming"),
      col("out", "Units out on dispatch from here.", "s.out"),
      col("safety_stock", "Units kept back from sale.", "s.safety_stock"),
      col("updated_at", "Last stock change, ISO 8601 UTC.", "s.updated_at"),
    ],
    key: ["s.product_id", "s.location_id"],
    filters: { product_id: "s.product_id", location_id: "s.location_id" },
  },
  movements: {
    description: "The stock ledger, one row per movement, in time order.",
    readEndpoint: "GET /v1/inventory/:product_id/movements",
    from: "stock_movements m",
    columns: [
      col("id", "Movement id (`mov_…`).", "m.id"),
      col("product_id", "Product id.", "m.product_id"),
      col("seq", "Position in the product's ledger.", "m.seq"),
      col("reason", "Why the stock moved.", "m.reason"),
      col("delta_on_hand", "Change of on_hand.", "m.delta_on_hand"),
      col("delta_reserved", "Change of reserved.", "m.delta_reserved"),
      col("on_hand", "on_hand after the movement.", "m.on_hand"),
      col("reserved", "reserved after the movement.", "m.reserved"),
      col("reference", "Order or other reference.", "m.reference"),
      col("note", "Free text.", "m.note"),
      col("created_at", "ISO 8601 UTC.", "m.created_at"),
    ],
    key: ["m.created_at", "m.id"],
    filters: { from: "m.created_at", to: "m.created_at", product_id: "m.product_id", reason: "m.reason" },
    values: { reason: MOVEMENT_REASONS },
  },
  orders: {
    description: "Orders, oldest first.",
    readEndpoint: "GET /v1/orders",
    from: "orders o",
    columns: [
      col("id", "Order id (`ord_…`).", "o.id"),
      col("status", "pending, paying, processing, completed, cancelled or refunded.", "o.status"),
      col("customer_id", "Customer id, empty for direct sales without one.", "o.customer_id"),
      col("currency", "ISO 4217.", "o.currency"),
      col("subtotal", `Before tax, ${MONEY}.`, "o.subtotal"),
      col("tax", `Tax, ${MONEY}.`, "o.tax"),
      col("total", `subtotal + tax, ${MONEY}.`, "o.total"),
      col("refunded_total", `Refunded so far, ${MONEY}.`, "o.refunded_total"),
      col("source", "checkout or direct_sale.", "o.source"),
      col("customer_note", "The customer's note.", "o.customer_note"),
      col("created_at", "ISO 8601 UTC.", "o.created_at"),
      col("paid_at", "ISO 8601 UTC, empty until paid.", "o.paid_at"),
      col("completed_at", "ISO 8601 UTC, empty until fulfilled.", "o.completed_at"),
      col("cancelled_at", "ISO 8601 UTC, empty unless cancelled.", "o.cancelled_at"),
    ],
    key: ["o.created_at", "o.id"],
    filters: { from: "o.created_at", to: "o.created_at", status: "o.status", customer_id: "o.customer_id" },
    values: { status: ORDER_STATUSES },
  },
  order_lines: {
    description: "Order lines, grouped by order, orders oldest first.",
    readEndpoint: "GET /v1/orders",
    from: "order_lines l JOIN orders o ON o.id = l.order_id",
    columns: [
      col("order_id", "Order id.", "l.order_id"),
      col("position", "Line number within the order.", "l.position"),
      col("product_id", "Product id.", "l.product_id"),
      col("sku", "SKU at checkout.", "l.sku"),
      col("name", "Name at checkout.", "l.name"),
      col("unit_price", `Price at checkout, ${MONEY}.`, "l.unit_price"),
      col("qty", "Units ordered.", "l.qty"),
      col("line_total", `unit_price × qty, ${MONEY}.`, "l.line_total"),
      col("refunded_qty", "Units refunded.", "l.refunded_qty"),
      col("currency", "The order's currency.", "o.currency"),
      col("order_status", "The order's status.", "o.status"),
      col("order_created_at", "ISO 8601 UTC.", "o.created_at"),
    ],
    key: ["o.created_at", "l.order_id", "l.product_id"],
    filters: { from: "o.created_at", to: "o.created_at", status: "o.status", product_id: "l.product_id" },
    values: { status: ORDER_STATUSES },
  },
  invoices: {
    description: "Invoices in issue order.",
    readEndpoint: "GET /v1/invoices",
    from: "invoices i",
    columns: [
      col("id", "Invoice id (`inv_…`).", "i.id"),
      col("number", "Invoice number.", "i.number"),
      col("order_id", "Order id.", "i.order_id"),
      col("customer_id", "Customer id.", "i.customer_id"),
      col("customer_name", "Billed name.", "i.customer_name"),
      col("currency", "ISO 4217.", "i.currency"),
      col("subtotal", `Before tax, ${MONEY}.`, "i.subtotal"),
      col("tax", `Tax, ${MONEY}.`, "i.tax"),
      col("total", `subtotal + tax, ${MONEY}.`, "i.total"),
      col("status", "issued or void.", "i.status"),
      col("issued_at", "ISO 8601 UTC.", "i.issued_at"),
    ],
    key: ["i.issued_at", "i.id"],
    filters: { from: "i.issued_at", to: "i.issued_at", status: "i.status", customer_id: "i.customer_id" },
    values: { status: INVOICE_STATUSES },
  },
  customers: {
    description: "Customer accounts, oldest first.",
    readEndpoint: "GET /v1/customers",
    from: "users u",
    columns: [
      col("id", "Customer id (`usr_…`).", "u.id"),
      col("email", "Sign-in e-mail.", "u.email"),
      col("name", "Name.", "u.name"),
      col("status", "active or deactivated.", "u.status"),
      col("created_at", "ISO 8601 UTC.", "u.created_at"),
      col("last_login_at", "ISO 8601 UTC, empty if never.", "u.last_login_at"),
    ],
    key: ["u.created_at", "u.id"],
    filters: { from: "u.created_at", to: "u.created_at", status: "u.status" },
    values: { status: USER_STATUSES },
    where: "u.role = 'customer'",
  },
  dispatches: {
    description: "Dispatches to companies, by id, with their stock counted per outcome.",
    readEndpoint: "GET /v1/dispatches",
    from: "dispatches d",
    columns: [
      col("id", "Dispatch id (`dsp_…`).", "d.id"),
      col("number", "Dispatch number.", "d.number"),
      col("status", "draft, dispatched, partially_returned, returned, closed or cancelled.", "d.status"),
      col("company_id", "The company it went to.", "d.company_id"),
      col("project_id", "The project, empty when none.", "d.project_id"),
      col("location_id", "Where it left from.", "d.location_id"),
      col("destination_name", "Who receives it.", "d.destination_name"),
      col("carrier", "Carrier.", "d.carrier"),
      col("tracking_number", "Carrier's tracking number.", "d.tracking_number"),
      col("units", "Stock units sent.", "(SELECT coalesce(sum(qty), 0) FROM dispatch_lines WHERE dispatch_id = d.id)"),
      col(
        "units_returned",
        "Units back in good or damaged condition.",
        "(SELECT coalesce(sum(returned_good + returned_damaged), 0) FROM dispatch_lines WHERE dispatch_id = d.id)",
      ),
      col(
        "units_consumed",
        "Units consumed or lost.",
        "(SELECT coalesce(sum(consumed + lost), 0) FROM dispatch_lines WHERE dispatch_id = d.id)",
      ),
      col("samples", "Samples sent.", "(SELECT count(*) FROM dispatch_samples WHERE dispatch_id = d.id)"),
      col(
        "samples_out",
        "Samples not yet returned or consumed.",
        "(SELECT count(*) FROM dispatch_samples WHERE dispatch_id = d.id AND outcome IS NULL)",
      ),
      col("dispatched_at", "ISO 8601 UTC, empty while a draft.", "d.dispatched_at"),
      col("expected_return_at", "ISO 8601 UTC, empty when none.", "d.expected_return_at"),
      col("closed_at", "ISO 8601 UTC.", "d.closed_at"),
      col("created_at", "ISO 8601 UTC.", "d.created_at"),
    ],
    key: ["d.id"],
    filters: {
      from: "d.created_at",
      to: "d.created_at",
      status: "d.status",
      company_id: "d.company_id",
      project_id: "d.project_id",
      location_id: "d.location_id",
    },
    values: { status: DISPATCH_STATUSES },
  },
  samples: {
    description: "Samples, by id.",
    readEndpoint: "GET /v1/samples",
    from: "samples s LEFT JOIN drillholes h ON h.id = s.drillhole_id",
    columns: [
      col("id", "Sample id (`smp_…`).", "s.id"),
      col("number", "Sample number, unique.", "s.number"),
      col("type", "core, half_core, pulp, reject, chip or other.", "s.type"),
      col("status", "in_store, dispatched, returned, consumed or disposed.", "s.status"),
      col("drillhole_id", "The hole it was cut from, empty for a lot sample.", "s.drillhole_id"),
      col("hole_id", "The hole's own id (as drilled).", "h.hole_id"),
      col("project_id", "The hole's project.", "h.project_id"),
      col("depth_from", "Interval start, metres.", "s.depth_from"),
      col("depth_to", "Interval end, metres.", "s.depth_to"),
      col("lot", "Lot, for samples not from a hole.", "s.lot"),
      col("weight_grams", "Weight in grams.", "s.weight_grams"),
      col("location_id", "Where it is kept.", "s.location_id"),
      col("dispatch_id", "The dispatch it is out on, empty when in store.", "s.dispatch_id"),
      col("created_at", "ISO 8601 UTC.", "s.created_at"),
    ],
    key: ["s.id"],
    filters: {
      from: "s.created_at",
      to: "s.created_at",
      status: "s.status",
      location_id: "s.location_id",
      project_id: "h.project_id",
    },
    values: { status: SAMPLE_STATUSES },
  },
  audit_log: {
    description: "The audit trail in time order (before/after images as JSON).",
    readEndpoint: "GET /v1/audit-logs",
    from: "audit_logs a",
    columns: [
      col("id", "Audit row id (`aud_…`).", "a.id"),
      col("created_at", "ISO 8601 UTC.", "a.created_at"),
      col("actor_type", "user, api_key or system.", "a.actor_type"),
      col("actor_id", "Who acted.", "a.actor_id"),
      col("action", "What was done.", "a.action"),
      col("entity_type", "What kind of thing.", "a.entity_type"),
      col("entity_id", "Which one.", "a.entity_id"),
      col("before", "JSON image before.", "a.before"),
      col("after", "JSON image after.", "a.after"),
      col("request_id", "The request that did it.", "a.request_id"),
    ],
    key: ["a.id"],
    filters: { from: "a.created_at", to: "a.created_at" },
  },
};

export const columnsOf = (type: ExportType): string[] => EXPORT_SOURCES[type].columns.map(([doc]) => doc.name);
