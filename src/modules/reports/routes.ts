import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent } from "../../middleware/idempotency";
import { isAllowed, PERMISSIONS } from "../../middleware/permissions";
import { customersReport } from "./customers-report";
import { dashboard } from "./dashboard";
import { dispatchesReport } from "./dispatches-report";
import { inventoryReport } from "./inventory-report";
import { ordersReport } from "./orders-report";
import { productsReport } from "./products-report";
import { reconciliationPage } from "./reconciliation";
import { repairProjection } from "./repair";
import { salesReport } from "./sales";
import {
  CustomersQuerySchema,
  CustomersReportSchema,
  OrdersQuerySchema,
  OrdersReportSchema,
  ProductsQuerySchema,
  ProductsReportSchema,
} from "./sales-schemas";
import {
  DashboardSchema,
  ReconciliationPageSchema,
  ReconciliationQuery,
  RepairResultSchema,
  RepairSchema,
  SalesQuerySchema,
  SalesReportSchema,
} from "./schemas";
import {
  DispatchesQuerySchema,
  DispatchesReportSchema,
  InventoryQuerySchema,
  InventoryReportSchema,
} from "./stock-schemas";

const CUSTOMERS_RULE = PERMISSIONS["GET /v1/customers"];
const tags = ["Reports"];

export const reportRoutes = createRouter();

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/dashboard",
    tags,
    summary: "Today, the last 7 and 30 days of sales, orders by status, and stock",
    security: bearerSecurity,
    responses: { 200: jsonContent(DashboardSchema, "The dashboard"), ...problems() },
  }),
  async (c) => c.json(await dashboard(c.get("db")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/sales",
    tags,
    summary: "Sales by day, week or month, optionally by product, category or location (from the daily rollups)",
    security: bearerSecurity,
    request: { query: SalesQuerySchema },
    responses: { 200: jsonContent(SalesReportSchema, "The sales report"), ...problems() },
  }),
  async (c) => c.json(await salesReport(c.get("db"), c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/orders",
    tags,
    summary: "Orders placed by period and current status, and orders fulfilled with the time from payment",
    description:
      "From the daily rollups. `by_status` splits the orders PLACED in each period by the status they are in now; `orders_fulfilled` and `average_fulfilment_seconds` count the orders FULFILLED (completed) in each period, wherever they were placed.",
    security: bearerSecurity,
    request: { query: OrdersQuerySchema },
    responses: { 200: jsonContent(OrdersReportSchema, "The orders report"), ...problems() },
  }),
  async (c) => c.json(await ordersReport(c.get("db"), c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/inventory",
    tags,
    summary: "Stock movements by reason over time, stock value by location, and slow movers",
    description:
      "Movements come from the daily movement rollup; the value is the projected levels now × unit_cost; slow movers have stock on hand and the fewest units sold or dispatched in the period.",
    security: bearerSecurity,
    request: { query: InventoryQuerySchema },
    responses: { 200: jsonContent(InventoryReportSchema, "The inventory report"), ...problems() },
  }),
  async (c) => c.json(await inventoryReport(c.get("db"), c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/customers",
    tags,
    summary: "New and returning customers, repeat rate, and the top customers by net spend",
    description:
      "From the per-customer daily rollups. A customer counts with an order paid in the period: new when it is their first paid order ever, returning when they paid before the period.",
    security: bearerSecurity,
    request: { query: CustomersQuerySchema },
    responses: { 200: jsonContent(CustomersReportSchema, "The customers report"), ...problems() },
  }),
  async (c) => {
    // Who the top customers are is for those who may read customers (a `reports:read` key may not).
    const contacts = CUSTOMERS_RULE !== undefined && isAllowed(CUSTOMERS_RULE, actorOf(c));
    return c.json(await customersReport(c.get("db"), c.req.valid("query"), contacts), 200);
  },
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/products",
    tags,
    summary: "Per product sold or refunded in the period: units, revenue, refunds, return rate, sell-through, cover",
    description:
      "From the daily product rollups and the current stock projection, paged largest first by `sort`. Money is line revenue before tax.",
    security: bearerSecurity,
    request: { query: ProductsQuerySchema },
    responses: { 200: jsonContent(ProductsReportSchema, "A page of the products report"), ...problems() },
  }),
  async (c) => c.json(await productsReport(c.get("db"), c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/dispatches",
    tags,
    summary: "Dispatched, returned, consumed and outstanding by company and project, with turnaround",
    description: "From the daily dispatch rollup: the period's figures, and what was still out at the end of `to`.",
    security: bearerSecurity,
    request: { query: DispatchesQuerySchema },
    responses: { 200: jsonContent(DispatchesReportSchema, "The dispatches report"), ...problems() },
  }),
  async (c) => c.json(await dispatchesReport(c.get("db"), c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/reconciliation",
    tags,
    summary: "Per product: the stock object, the sum of its D1 ledger and the D1 projection, side by side",
    description:
      "Pages through the catalog (objects are asked in bounded parallel batches); within a page the mismatches come first.",
    security: bearerSecurity,
    request: { query: ReconciliationQuery },
    responses: { 200: jsonContent(ReconciliationPageSchema, "A page of the reconciliation"), ...problems() },
  }),
  async (c) => c.json(await reconciliationPage(c.get("db"), c.env.INVENTORY, c.req.valid("query")), 200),
);

reportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/reconciliation/repair",
    tags,
    summary: "Re-project products whose D1 projection differs from their stock object (the object is the truth)",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: {
      headers: z.object({ "idempotency-key": z.string().openapi({ description: "Required." }) }),
      body: jsonBody(RepairSchema),
    },
    responses: { 200: jsonContent(RepairResultSchema, "What was repaired, before and after"), ...problems(409) },
  }),
  async (c) =>
    c.json(await repairProjection(c.get("db"), c.env.INVENTORY, c.req.valid("json").product_ids, requestMeta(c)), 200),
);
