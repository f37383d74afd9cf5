import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonContent, problems } from "../../lib/openapi";
import { dashboard } from "./dashboard";
import { salesReport } from "./sales";
import { DashboardSchema, SalesQuerySchema, SalesReportSchema } from "./schemas";

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
    summary: "Sales by day, week or month, optionally by product or category (from the daily rollups)",
    security: bearerSecurity,
    request: { query: SalesQuerySchema },
    responses: { 200: jsonContent(SalesReportSchema, "The sales report"), ...problems() },
  }),
  async (c) => c.json(await salesReport(c.get("db"), c.req.valid("query")), 200),
);
