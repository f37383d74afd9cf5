import type { InvoiceDetail } from "../../../src/modules/invoices/schemas";
import type { SignedIn } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, drainOrderEvents, getOrder, pay, stockedProduct } from "../../support/orders";

export const getInvoice = (user: SignedIn, id: string) =>
  call<InvoiceDetail>("GET", `/v1/invoices/${id}`, { token: user.token });

/** A paid order of one product for `customer`, invoiced by the pipeline. */
export async function invoicedOrder(staff: SignedIn, customer: SignedIn, price = 1000, qty = 1) {
  const product = await stockedProduct(qty + 5, price);
  const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty }] });
  if (created.status !== 201) throw new Error(created.text);
  await pay(staff.token, created.body.id);
  await act(staff.token, created.body.id, "fulfil");
  await drainOrderEvents(created.body.id);
  const order = (await getOrder(staff.token, created.body.id)).body;
  const invoiceId = order.invoices[0]?.id;
  if (!invoiceId) throw new Error(`order ${order.id} was not invoiced`);
  return { order, product, invoice: (await getInvoice(staff, invoiceId)).body };
}
