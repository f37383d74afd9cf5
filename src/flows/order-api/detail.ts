/*
 * An order's detail page: the order module's part (lines, history, holds, payments,
 * refunds) with the invoices and returns of the modules that depend on orders, read in
 * one D1 batch. It lives here because orders cannot import the modules built on them.
 */
import { z } from "@hono/zod-openapi";
import type { Actor } from "../../context";
import { invoiceQueries, invoiceViews, OrderInvoiceSchema } from "../../modules/invoices";
import { OrderCoreSchema, type OrderDeps, orderDetailQueries, toOrderCore } from "../../modules/orders";
import { OrderReturnSchema, returnSummariesQuery, toReturnSummaries } from "../../modules/returns";

export const OrderDetailSchema = OrderCoreSchema.extend({
  invoices: z.array(OrderInvoiceSchema),
  returns: z
    .array(OrderReturnSchema)
    .openapi({ description: "The order's returns (`/v1/returns/{id}` has each one's lines)." }),
}).openapi("OrderDetail");

export type OrderDetail = z.infer<typeof OrderDetailSchema>;

export async function orderDetail(deps: OrderDeps, id: string, actor: Actor | null): Promise<OrderDetail> {
  const { db } = deps;
  const [order, lines, history, payments, refunds, refundLines, returnRows, invoiceRows, noteRows] = await db.batch([
    ...orderDetailQueries(db, id),
    returnSummariesQuery(db, id),
    ...invoiceQueries(db, id),
  ]);
  // The order's part checks that the actor may see it before the rest is used.
  const core = await toOrderCore(deps, actor, [order, lines, history, payments, refunds, refundLines]);
  return { ...core, invoices: invoiceViews(invoiceRows, noteRows), returns: toReturnSummaries(returnRows) };
}
