import { z } from "@hono/zod-openapi";
import { INTERVALS } from "./range";
import { SALES_GROUPS } from "./sales";
import { money, rangeAnswer, rangeQuery } from "./schema-parts";
import { LocationReconciliationSchema } from "./stock-schemas";

const SalesTotalsSchema = z
  .object({
    gross_sales: money("Totals (tax included) of the orders paid."),
    refunds: money("Refunds recorded."),
    net_sales: money("gross_sales − refunds."),
    orders: z.number().int().openapi({ description: "Orders placed." }),
    orders_paid: z.number().int(),
    average_order_value: money("gross_sales ÷ orders_paid, rounded."),
    new_customers: z.number().int().openapi({ description: "Customer accounts created." }),
  })
  .openapi("SalesTotals");

export const DashboardSchema = z
  .object({
    currency: z.string(),
    time_zone: z.string().openapi({ description: "The store's time zone; days are its calendar days." }),
    today: z.string().openapi({ description: "Today's date in that zone." }),
    sales: z.object({ today: SalesTotalsSchema, last_7_days: SalesTotalsSchema, last_30_days: SalesTotalsSchema }),
    orders_by_status: z.record(z.string(), z.number().int()),
    stock: z.object({
      on_hand: z.number().int().openapi({ description: "Units on hand over all products." }),
      value_at_cost: money("on_hand × unit_cost, over the products that have a unit_cost."),
      products_without_cost: z
        .number()
        .int()
        .openapi({ description: "Products with stock but no unit_cost (not valued)." }),
      low_stock: z.number().int().openapi({ description: "Products at or below their threshold but not out." }),
      out_of_stock: z.number().int().openapi({ description: "Products with nothing available." }),
    }),
    dispatches: z.object({
      outstanding: z.number().int().openapi({ description: "Dispatches with something still out." }),
      overdue: z.number().int().openapi({ description: "Of those, the ones past their expected return." }),
    }),
  })
  .openapi("Dashboard");

export const SalesQuerySchema = z.object({
  ...rangeQuery,
  interval: z.enum(INTERVALS).default("day").openapi({ description: "Weeks start on Monday." }),
  group_by: z.enum(SALES_GROUPS).default("none").openapi({
    description:
      "`product`, `category` or `location`: where the units were sold from. A line sold from several locations is split by units, its money in proportion; a refund's units come from the locations furthest behind their share of the line's units refunded so far, so none gives back more than it sold and the locations sum to the products. Grouped figures are line revenue before tax.",
  }),
});

export const SalesReportSchema = z
  .object({
    ...rangeAnswer,
    interval: z.enum(INTERVALS),
    group_by: z.enum(SALES_GROUPS),
    data: z.array(
      z.object({
        period: z.string().openapi({ description: "The day, the Monday of the week, or YYYY-MM." }),
        group: z
          .string()
          .nullable()
          .openapi({ description: "Product, category or location id; null when not grouped." }),
        location_code: z.string().nullable().openapi({
          description: "The location's code when grouped by location (null if it was deleted); else null.",
        }),
        orders: z.number().int().openapi({ description: "Orders placed (0 when grouped)." }),
        gross_sales: money("Ungrouped: order totals with tax; grouped: line revenue before tax."),
        refunds: money("Refunds (same basis)."),
        net_sales: money("gross_sales − refunds."),
        units_sold: z.number().int(),
        units_refunded: z.number().int(),
      }),
    ),
  })
  .openapi("SalesReport");

const quantities = { on_hand: z.number().int(), reserved: z.number().int() };

export const ReconciliationRowSchema = z
  .object({
    product_id: z.string(),
    sku: z.string(),
    object: z
      .object({ ...quantities, version: z.number().int() })
      .openapi({ description: "The stock object: the truth." }),
    ledger: z
      .object({ ...quantities, movements: z.number().int() })
      .openapi({ description: "The D1 movements, summed." }),
    projection: z
      .object({ ...quantities, version: z.number().int() })
      .nullable()
      .openapi({ description: "The D1 level; null if never projected." }),
    locations: z
      .array(LocationReconciliationSchema)
      .openapi({ description: "The same per location, with the dispatch check; mismatches first." }),
    matches: z.boolean().openapi({ description: "The product and every one of its locations match." }),
    problems: z.array(z.string()).openapi({ description: "The product's totals' own; locations list theirs." }),
  })
  .openapi("ReconciliationRow");

export const ReconciliationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Products per page, 1 to 100." }),
  cursor: z.string().max(512).optional(),
  only_mismatches: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});

export const ReconciliationPageSchema = z
  .object({
    data: z.array(ReconciliationRowSchema).openapi({ description: "The page's mismatches first, then the rest." }),
    checked: z.number().int(),
    mismatches: z.number().int(),
    next_cursor: z.string().nullable(),
  })
  .openapi("ReconciliationPage");

export const RepairSchema = z
  .strictObject({ product_ids: z.array(z.string().min(1).max(64)).min(1).max(100) })
  .openapi("ReconciliationRepair");

export const RepairResultSchema = z
  .object({
    checked: z.number().int(),
    repaired: z.array(
      z.object({ product_id: z.string(), before: ReconciliationRowSchema, after: ReconciliationRowSchema }),
    ),
  })
  .openapi("ReconciliationRepairResult");
