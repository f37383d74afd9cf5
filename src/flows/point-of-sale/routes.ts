import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent } from "../../middleware/idempotency";
import { InvoiceDetailSchema } from "../../modules/invoices";
import { orderDeps } from "../../modules/orders";
import { sellDirect } from "./sale";
import { DirectSaleSchema } from "./schemas";

/** `POST /v1/invoices`: the point of sale, mounted beside the invoice routes. */
export const pointOfSaleRoutes = createRouter();
const tags = ["Invoices"];

pointOfSaleRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Direct sale: order, stock, payment and invoice in one call, all or nothing",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: {
      headers: z.object({ "idempotency-key": z.string().openapi({ description: "Required." }) }),
      body: jsonBody(DirectSaleSchema),
    },
    responses: { 201: jsonContent(InvoiceDetailSchema, "The invoice of the sale"), ...problems(409, 503) },
  }),
  async (c) => {
    const invoice = await sellDirect(
      orderDeps(c.env, c.get("db")),
      actorOf(c),
      c.req.valid("json"),
      c.req.header("idempotency-key") ?? "",
      requestMeta(c),
    );
    c.header("Location", `/v1/invoices/${invoice.id}`);
    return c.json(invoice, 201);
  },
);
