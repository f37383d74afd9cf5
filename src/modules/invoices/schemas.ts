import { z } from "@hono/zod-openapi";
import { INVOICE_STATUSES } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { AddressSchema } from "../../lib/schemas";

const DocumentLine = z.object({
  position: z.number().int(),
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  unit_price: z.number().int(),
  qty: z.number().int(),
  line_total: z.number().int(),
});

export const CreditNoteSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: "CRN-2026-000004" }),
    invoice_id: z.string(),
    order_id: z.string(),
    refund_id: z.string(),
    reason: z.string(),
    currency: z.string(),
    subtotal: z.number().int(),
    tax: z.number().int(),
    restocking_fee: z
      .number()
      .int()
      .openapi({ description: "Kept back by the store (an order return's fee): total = subtotal + tax − fee." }),
    total: z.number().int(),
    issued_at: z.string(),
    lines: z.array(DocumentLine.extend({ restocked: z.boolean() })),
  })
  .openapi("CreditNote");

export const InvoiceSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: "INV-2026-000123" }),
    status: z.enum(INVOICE_STATUSES),
    order_id: z.string(),
    customer_id: z.string().nullable(),
    customer_name: z.string().nullable(),
    customer_email: z.string().nullable(),
    billing_address: AddressSchema.nullable(),
    currency: z.string(),
    subtotal: z.number().int().openapi({ description: "Minor units, like every amount." }),
    tax_rate_bps: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
    version: z.number().int(),
    issued_at: z.string(),
    voided_at: z.string().nullable(),
    void_reason: z.string().nullable(),
  })
  .openapi("Invoice");

export const InvoiceDetailSchema = InvoiceSchema.extend({
  lines: z.array(DocumentLine),
  credit_notes: z.array(CreditNoteSchema),
  credited_total: z.number().int().openapi({ description: "Sum of the credit notes' totals." }),
}).openapi("InvoiceDetail");

export type InvoiceDetail = z.infer<typeof InvoiceDetailSchema>;

export const InvoicePage = pageSchema(InvoiceSchema).openapi("InvoicePage");

const isoDate = z.iso.datetime({ offset: true });

export const ListInvoicesQuery = pageQuery.extend({
  status: z.enum(INVOICE_STATUSES).optional(),
  customer_id: z.string().max(64).optional(),
  order_id: z.string().max(64).optional(),
  issued_from: isoDate.optional().openapi({ description: "Inclusive." }),
  issued_to: isoDate.optional().openapi({ description: "Exclusive." }),
});

export const VoidInvoiceSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) }).openapi("VoidInvoice");

/** What an order's detail shows of each of its invoices (`invoiceViews`). */
export const OrderInvoiceSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(INVOICE_STATUSES),
    total: z.number().int(),
    issued_at: z.string(),
    credit_notes: z.array(z.object({ id: z.string(), number: z.string(), total: z.number().int() })),
  })
  .openapi("OrderInvoice");
