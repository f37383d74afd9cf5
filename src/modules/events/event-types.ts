import { z } from "@hono/zod-openapi";

/*
 * The one event catalog: every event type Stockroom emits, the shape of its `data`
 * and what it means. The outbox refuses types and payloads not described here, the
 * webhook subscriptions are checked against it, and it is published at
 * `GET /v1/event-types` and in the OpenAPI `webhooks` section.
 *
 * Payload schemas type the fields consumers rely on and let the rest through
 * (loose objects), so an emitting module can add fields without breaking anyone.
 * Every resource event carries the resource `version`: deliveries are not ordered,
 * and the version is how a consumer discards a stale update.
 */

const version = z.number().int().min(0).openapi({ description: "The resource version this event describes." });

const product = z
  .looseObject({
    id: z.string().openapi({ description: "Product id (`prd_…`)." }),
    version,
    sku: z.string().optional(),
    name: z.string().optional(),
    slug: z.string().optional(),
    status: z.string().optional(),
  })
  .openapi("ProductEventData");

const stockChanged = z
  .looseObject({
    product_id: z.string(),
    version,
    on_hand: z.number().int().optional(),
    reserved: z.number().int().optional(),
    available: z.number().int().optional(),
    reason: z.string().optional(),
  })
  .openapi("StockChangedEventData");

const stockLow = z
  .looseObject({
    product_id: z.string(),
    version,
    available: z.number().int().optional(),
    low_stock_threshold: z.number().int().nullable().optional(),
  })
  .openapi("StockLowEventData");

const order = z
  .looseObject({
    id: z.string().openapi({ description: "Order id (`ord_…`)." }),
    version,
    status: z.string().optional(),
    total: z.number().int().optional().openapi({ description: "Minor units." }),
    currency: z.string().optional(),
  })
  .openapi("OrderEventData");

const invoice = z
  .looseObject({
    id: z.string().openapi({ description: "Invoice id (`inv_…`)." }),
    version,
    order_id: z.string().nullable().optional(),
    total: z.number().int().optional().openapi({ description: "Minor units." }),
  })
  .openapi("InvoiceEventData");

const creditNote = z
  .looseObject({
    id: z.string().openapi({ description: "Credit note id (`crn_…`)." }),
    version,
    invoice_id: z.string(),
    order_id: z.string(),
    refund_id: z.string(),
    total: z.number().int().optional().openapi({ description: "Minor units." }),
  })
  .openapi("CreditNoteEventData");

const transfer = z
  .looseObject({
    id: z.string().openapi({ description: "Transfer id (`trf_…`)." }),
    version,
    status: z.string(),
    from_location_id: z.string(),
    to_location_id: z.string(),
    lines: z
      .array(
        z.looseObject({
          product_id: z.string(),
          qty: z.number().int(),
          shipped: z.number().int(),
          received: z.number().int(),
          lost: z.number().int(),
        }),
      )
      .optional(),
  })
  .openapi("TransferEventData");

const orderReturn = z
  .looseObject({
    id: z.string().openapi({ description: "Return id (`ret_…`)." }),
    version,
    status: z.string(),
    order_id: z.string(),
    customer_id: z.string().nullable().optional(),
    refund_id: z.string().optional(),
  })
  .openapi("ReturnEventData");

const dispatch = z
  .looseObject({
    id: z.string().openapi({ description: "Dispatch id (`dsp_…`)." }),
    version,
    number: z.string().openapi({ example: "DSP-2026-000001" }),
    status: z.string(),
    company_id: z.string(),
    project_id: z.string().nullable(),
    location_id: z.string(),
    expected_return_at: z.string().nullable().optional(),
    return_id: z.string().optional().openapi({ description: "`dispatch.returned`: the return recorded." }),
    outstanding_units: z.number().int().optional().openapi({ description: "Stock units and samples still out." }),
  })
  .openapi("DispatchEventData");

const ping = z
  .looseObject({ endpoint_id: z.string(), version })
  .openapi("WebhookPingEventData", { description: "`version` is the endpoint's." });

const endpointDisabled = z
  .looseObject({
    endpoint_id: z.string(),
    version,
    url: z.string(),
    reason: z.enum(["manual", "gone", "consecutive_failures"]),
    consecutive_failures: z.number().int(),
  })
  .openapi("WebhookEndpointDisabledEventData");

const exportJob = z
  .looseObject({
    id: z.string().openapi({ description: "Export id (`exp_…`)." }),
    version,
    type: z.string(),
    rows: z.number().int().optional(),
    bytes: z.number().int().optional(),
    error: z.string().optional(),
  })
  .openapi("ExportEventData");

const importJob = z
  .looseObject({
    id: z.string().openapi({ description: "Import id (`imp_…`)." }),
    version,
    type: z.string(),
    rows: z.number().int().optional(),
  })
  .openapi("ImportEventData");

interface EventDefinition {
  description: string;
  data: z.ZodType<Record<string, unknown>>;
  /**
   * "broadcast": delivered to every enabled endpoint subscribed to the type.
   * "endpoint": delivered only to the endpoint named by the event's resource id.
   */
  audience: "broadcast" | "endpoint";
}

export const EVENT_CATALOG = {
  "product.published": { description: "A product became visible on the storefront.", data: product },
  "product.updated": { description: "A product's details changed.", data: product },
  "product.unpublished": { description: "A published product went back to draft.", data: product },
  "product.archived": { description: "A product was archived.", data: product },
  "product.restored": { description: "An archived product was restored.", data: product },
  "stock.changed": {
    description: "A product's stock changed at some location; `locations` has each location's buckets.",
    data: stockChanged,
  },
  "stock.low": { description: "A product's available stock fell to its low-stock threshold.", data: stockLow },
  "order.created": { description: "An order was placed and its stock reserved.", data: order },
  "order.paid": { description: "An order was paid; its reserved stock was committed.", data: order },
  "order.completed": { description: "An order was fulfilled.", data: order },
  "order.cancelled": { description: "An order was cancelled; its stock was released or restocked.", data: order },
  "order.refunded": { description: "An order, or some of its lines, was refunded.", data: order },
  "transfer.shipped": {
    description: "A transfer left its origin; its units are incoming at the destination.",
    data: transfer,
  },
  "transfer.received": {
    description: "Units of a transfer arrived at the destination (or were written off as lost in transit).",
    data: transfer,
  },
  "transfer.cancelled": { description: "A draft transfer was cancelled; nothing had moved.", data: transfer },
  "invoice.issued": { description: "An invoice was issued.", data: invoice },
  "invoice.voided": { description: "An invoice was voided; its number stays used.", data: invoice },
  "credit_note.issued": { description: "A credit note was issued against an invoice for a refund.", data: creditNote },
  "export.completed": { description: "An export's file is ready to download.", data: exportJob },
  "export.failed": { description: "An export failed after every retry.", data: exportJob },
  "import.completed": { description: "An import was applied to its last row.", data: importJob },
  "import.failed": {
    description:
      "An import stopped: a row was refused when applied (`error` names it), or it failed after every retry.",
    data: importJob,
  },
  "return.requested": { description: "A return of order lines was opened.", data: orderReturn },
  "return.approved": { description: "A return was approved: the goods may be sent back.", data: orderReturn },
  "return.rejected": { description: "A return was rejected, with a reason.", data: orderReturn },
  "return.received": {
    description: "A return's parcel was inspected; arrived units moved into stock (reason `returned`).",
    data: orderReturn,
  },
  "return.refunded": {
    description: "The arrived units of a return were refunded (the order's refund and credit note follow).",
    data: orderReturn,
  },
  "return.closed": { description: "A return was closed without a refund.", data: orderReturn },
  "dispatch.created": { description: "A dispatch was drafted and given its number.", data: dispatch },
  "dispatch.dispatched": {
    description: "A dispatch left: its stock moved from on hand to out, its samples to dispatched.",
    data: dispatch,
  },
  "dispatch.returned": {
    description: "Part or all of a dispatch came back, was consumed or written off (one event per return).",
    data: dispatch,
  },
  "dispatch.closed": { description: "Every unit of a dispatch is accounted for.", data: dispatch },
  "dispatch.cancelled": { description: "A draft dispatch was cancelled; its number stays used.", data: dispatch },
  "dispatch.overdue": {
    description: "A dispatch passed its expected return date with something still out (once per dispatch).",
    data: dispatch,
  },
  "webhook.ping": {
    description: "A test delivery asked for with `POST /v1/webhooks/{id}/test`; sent to that endpoint only.",
    data: ping,
    audience: "endpoint",
  },
  "webhook.endpoint_disabled": {
    description:
      "A webhook endpoint was disabled: by a user, after a 410 answer, or after 50 failed deliveries in a row.",
    data: endpointDisabled,
  },
} satisfies Record<string, Omit<EventDefinition, "audience"> & Partial<Pick<EventDefinition, "audience">>>;

export type EventType = keyof typeof EVENT_CATALOG;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOG, type);
}

export function eventDefinition(type: EventType): EventDefinition {
  const entry: Omit<EventDefinition, "audience"> & { audience?: EventDefinition["audience"] } = EVENT_CATALOG[type];
  return { ...entry, audience: entry.audience ?? "broadcast" };
}

/**
 * Whether a subscription pattern selects an event type: the exact type, `resource.*`
 * or `*`. Endpoint-only events (`webhook.ping`) are never selected by a pattern.
 */
export function patternMatches(pattern: string, type: string): boolean {
  if (pattern === type) return true;
  if (pattern === "*") return true;
  return pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1));
}

/** The catalog types a pattern selects; empty means the pattern names nothing real. */
export function typesSelectedBy(pattern: string): EventType[] {
  // A type named exactly is always a valid subscription, `webhook.ping` included: it is listed in
  // /v1/event-types, and the endpoint receives its own pings either way.
  if (isEventType(pattern)) return [pattern];
  return EVENT_TYPES.filter((type) => eventDefinition(type).audience === "broadcast" && patternMatches(pattern, type));
}
