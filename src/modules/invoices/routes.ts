import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { renderInvoiceHtml } from "./html";
import { InvoiceDetailSchema, InvoicePage, ListInvoicesQuery, VoidInvoiceSchema } from "./schemas";
import * as invoices from "./service";

const tags = ["Invoices"];
const params = idParam("Invoice id (`inv_…`)");

export const invoiceRoutes = createRouter();

invoiceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List invoices, newest first (customers: their own)",
    security: bearerSecurity,
    request: { query: ListInvoicesQuery },
    responses: { 200: jsonContent(InvoicePage, "A page of invoices"), ...problems() },
  }),
  async (c) => c.json(await invoices.listInvoices(c.get("db"), actorOf(c), c.req.valid("query")), 200),
);

/*
 * `/{id}.html` cannot be an OpenAPI route here: Hono would read `:id.html` as one
 * parameter named "id.html" and also match `/{id}`. It is routed with a regex
 * parameter and documented under its real path. Registered before `/{id}`.
 */
const HTML_PATH = "/:id{[^/]+\\.html}";
invoiceRoutes.get(HTML_PATH, async (c) => {
  const id = c.req.param("id").slice(0, -".html".length);
  const invoice = await invoices.getInvoice(c.get("db"), id, actorOf(c));
  return c.html(renderInvoiceHtml(invoice), 200);
});
invoiceRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/{id}.html",
  tags,
  summary: "A printable invoice page (HTML), with its credit notes",
  security: bearerSecurity,
  request: { params },
  responses: {
    200: { description: "The page", content: { "text/html": { schema: z.string() } } },
    ...problems(404),
  },
});

invoiceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "An invoice with its lines and credit notes",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(InvoiceDetailSchema, "The invoice"), ...problems(404) },
  }),
  async (c) => {
    const invoice = await invoices.getInvoice(c.get("db"), c.req.valid("param").id, actorOf(c));
    c.header("ETag", versionEtag(invoice.version));
    return c.json(invoice, 200);
  },
);

invoiceRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/void",
    tags,
    summary: "Void an invoice issued in error (its number is kept)",
    security: bearerSecurity,
    request: { params, headers: z.object({ "if-match": z.string().optional() }), body: jsonBody(VoidInvoiceSchema) },
    responses: { 200: jsonContent(InvoiceDetailSchema, "The void invoice"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const invoice = await invoices.voidInvoice(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json").reason,
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(invoice.version));
    return c.json(invoice, 200);
  },
);
