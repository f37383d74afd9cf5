import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonContent, problems } from "../../lib/openapi";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { getCustomer, listCustomers } from "./service";

const tags = ["Customers"];

const CustomerSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    status: z.enum(["active", "deactivated"]),
    created_at: z.string(),
    order_count: z.number().int(),
    total_spent: z.number().int().openapi({ description: "Paid and not refunded, in minor units." }),
    last_order_at: z.string().nullable(),
  })
  .openapi("Customer");

const CustomerDetailSchema = CustomerSchema.extend({
  last_order: z
    .object({
      id: z.string(),
      status: z.string(),
      total: z.number().int(),
      currency: z.string(),
      created_at: z.string(),
    })
    .nullable(),
}).openapi("CustomerDetail");

export const customerRoutes = createRouter();

customerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Customer accounts with order count, total spent and last order",
    security: bearerSecurity,
    request: {
      query: pageQuery.extend({ email: z.string().max(254).optional().openapi({ description: "Email prefix." }) }),
    },
    responses: {
      200: jsonContent(pageSchema(CustomerSchema).openapi("CustomerPage"), "A page of customers"),
      ...problems(),
    },
  }),
  async (c) => c.json(await listCustomers(c.get("db"), c.req.valid("query")), 200),
);

customerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "A customer with their order statistics and last order",
    security: bearerSecurity,
    request: { params: idParam("Customer (user) id (`usr_…`)") },
    responses: { 200: jsonContent(CustomerDetailSchema, "The customer"), ...problems(404) },
  }),
  async (c) => c.json(await getCustomer(c.get("db"), c.req.valid("param").id), 200),
);
