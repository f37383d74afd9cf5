import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { products } from "../../../src/db/schema";
import type { InvoiceDetail } from "../../../src/modules/invoices/schemas";
import { createApiKey, type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, db, drainOrderEvents, getOrder, pay, refund, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { getInvoice, invoicedOrder } from "./support";

let staff: SignedIn;
let admin: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, admin, customer] = await Promise.all([signInAs("manager"), signInAs("admin"), signInAs("customer")]);
});

describe("invoices", () => {
  it("are issued when an order is paid, with the lines, tax and total of the sale", async () => {
    const { order, invoice } = await invoicedOrder(staff, customer, 1234, 3);
    expect(invoice).toMatchObject({
      status: "issued",
      order_id: order.id,
      customer_id: customer.id,
      customer_email: customer.email,
      currency: order.currency,
      subtotal: 3702,
      tax_rate_bps: order.tax_rate_bps,
      tax: order.tax,
      total: order.total,
      version: 1,
      credit_notes: [],
      credited_total: 0,
    });
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(invoice.lines).toEqual([expect.objectContaining({ qty: 3, unit_price: 1234, line_total: 3702 })]);
    // A later price change does not touch the invoice.
    await db
      .update(products)
      .set({ price: 1 })
      .where(eq(products.id, invoice.lines[0]?.product_id ?? ""));
    expect((await getInvoice(staff, invoice.id)).body.lines[0]?.unit_price).toBe(1234);
  });

  it("are listed newest first with filters, and customers only ever see their own", async () => {
    const { invoice } = await invoicedOrder(staff, customer);
    const other = await signInAs("customer");
    const { invoice: theirs } = await invoicedOrder(staff, other);

    const mine = await call<{ data: InvoiceDetail[] }>("GET", "/v1/invoices?limit=200", { token: customer.token });
    expect(mine.body.data.map((i) => i.id)).toContain(invoice.id);
    expect(mine.body.data.every((i) => i.customer_id === customer.id)).toBe(true);
    expectProblem(await getInvoice(customer, theirs.id), 404, "NOT_FOUND");
    expectProblem(await call("GET", `/v1/invoices/${theirs.id}.html`, { token: customer.token }), 404, "NOT_FOUND");
    const sneaky = await call<{ data: InvoiceDetail[] }>("GET", `/v1/invoices?customer_id=${other.id}`, {
      token: customer.token,
    });
    expect(sneaky.body.data.every((i) => i.customer_id === customer.id)).toBe(true);

    const byOrder = await call<{ data: InvoiceDetail[] }>("GET", `/v1/invoices?order_id=${theirs.order_id}`, {
      token: staff.token,
    });
    expect(byOrder.body.data.map((i) => i.id)).toEqual([theirs.id]);
    const page1 = await call<{ data: InvoiceDetail[]; next_cursor: string | null }>(
      "GET",
      `/v1/invoices?customer_id=${other.id}&limit=1`,
      { token: staff.token },
    );
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.next_cursor).toBeNull();

    const readKey = await createApiKey(admin, { scopes: ["invoices:read"] });
    expect((await call("GET", `/v1/invoices/${invoice.id}`, { token: readKey.secret })).status).toBe(200);
    expectProblem(await call("GET", "/v1/invoices?status=paid", { token: staff.token }), 400, "VALIDATION_FAILED");
  });

  it("print as an HTML page where every value is escaped", async () => {
    const product = await stockedProduct(3, 500);
    await db
      .update(products)
      .set({ name: `<script>alert("x")</script> & "friends"` })
      .where(eq(products.id, product.id));
    const created = await checkout(customer.token, {
      lines: [{ product_id: product.id, qty: 2 }],
      billing_address: { name: "<b>Ada</b>", line1: "1 <i>Way</i>", city: "London", postal_code: "N1", country: "GB" },
    });
    await pay(staff.token, created.body.id);
    await drainOrderEvents(created.body.id);
    const invoiceId = (await getOrder(staff.token, created.body.id)).body.invoices[0]?.id ?? "";
    const page = await call("GET", `/v1/invoices/${invoiceId}.html`, { token: customer.token });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).not.toContain("<script>");
    expect(page.text).not.toContain("<b>Ada");
    expect(page.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;friends&quot;");
    expect(page.text).toContain("&lt;b&gt;Ada&lt;/b&gt;");
    expect(page.text).toMatch(/USD 10\.00|[A-Z]{3} 10\.00/);
    expectProblem(await call("GET", "/v1/invoices/inv_nope.html", { token: staff.token }), 404, "NOT_FOUND");
  });

  it("can be voided once, keeping the number, unless credit notes exist", async () => {
    const { invoice } = await invoicedOrder(staff, customer);
    const voidIt = (id: string, body: unknown, token = staff.token, ifMatch?: string) =>
      call<InvoiceDetail>("POST", `/v1/invoices/${id}/void`, {
        token,
        body,
        headers: ifMatch ? { "if-match": ifMatch } : {},
      });
    expectProblem(await voidIt(invoice.id, {}), 400, "VALIDATION_FAILED");
    expectProblem(await voidIt(invoice.id, { reason: "typo" }, staff.token, 'W/"7"'), 412, "PRECONDITION_FAILED");
    const operator = await signInAs("operator");
    expectProblem(await voidIt(invoice.id, { reason: "typo" }, operator.token), 403, "FORBIDDEN");
    const voided = await voidIt(invoice.id, { reason: "issued to the wrong company" }, staff.token, 'W/"1"');
    expect(voided.status, voided.text).toBe(200);
    expect(voided.body).toMatchObject({
      status: "void",
      number: invoice.number,
      version: 2,
      void_reason: "issued to the wrong company",
    });
    expectProblem(await voidIt(invoice.id, { reason: "again" }), 409, "INVALID_TRANSITION");
    const html = await call("GET", `/v1/invoices/${invoice.id}.html`, { token: staff.token });
    expect(html.text).toContain("VOID: issued to the wrong company");

    const credited = await invoicedOrder(staff, customer, 800, 2);
    await refund(staff.token, credited.order.id, {
      lines: [{ product_id: credited.product.id, qty: 1, restock: true }],
      reason: "return",
    });
    await drainOrderEvents(credited.order.id);
    expect((await getInvoice(staff, credited.invoice.id)).body.credit_notes).toHaveLength(1);
    expectProblem(await voidIt(credited.invoice.id, { reason: "nope" }), 409, "CONFLICT");
    expect((await getInvoice(staff, credited.invoice.id)).body.status).toBe("issued");
  });

  it("a cancelled paid order gets a credit note for the whole invoice", async () => {
    const product = await stockedProduct(4, 600);
    const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 2 }] });
    await pay(staff.token, created.body.id);
    await drainOrderEvents(created.body.id);
    await act(staff.token, created.body.id, "cancel");
    await drainOrderEvents(created.body.id);
    const order = (await getOrder(staff.token, created.body.id)).body;
    const invoice = (await getInvoice(staff, order.invoices[0]?.id ?? "")).body;
    expect(invoice.credit_notes).toEqual([
      expect.objectContaining({ total: invoice.total, reason: "order_cancelled", refund_id: order.refunds[0]?.id }),
    ]);
    expect(invoice.credited_total).toBe(invoice.total);
  });
});
