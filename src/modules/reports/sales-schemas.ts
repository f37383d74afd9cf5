import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../../db/schema";
import { PRODUCT_SORTS } from "./products-report";
import { INTERVALS } from "./range";
import { money, rangeAnswer, rangeQuery } from "./schema-parts";

const count = (description: string) => z.number().int().openapi({ description });
const orNull = (description: string) => z.number().nullable().openapi({ description });

export const OrdersQuerySchema = z.object({
  ...rangeQuery,
  interval: z.enum(INTERVALS).default("day").openapi({ description: "Weeks start on Monday." }),
});

const CountedSchema = z.object({
  orders: z.number().int(),
  value: money("Their totals, tax included."),
});

const OrdersFiguresSchema = {
  orders: count("Orders placed in the period."),
  value: money("Totals (tax included) of the orders placed."),
  by_status: z
    .object(
      Object.fromEntries(ORDER_STATUSES.map((s) => [s, CountedSchema])) as Record<
        (typeof ORDER_STATUSES)[number],
        typeof CountedSchema
      >,
    )
    .openapi({ description: "The orders placed in the period, by the status they are in now." }),
  orders_fulfilled: count("Orders fulfilled (completed) in the period, whenever they were placed."),
  average_fulfilment_seconds: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "Average seconds from payment to fulfilment of those; null when none." }),
};

export const OrdersReportSchema = z
  .object({
    ...rangeAnswer,
    interval: z.enum(INTERVALS),
    totals: z.object(OrdersFiguresSchema).openapi({ description: "The whole period." }),
    data: z.array(
      z.object({
        period: z.string().openapi({ description: "The day, the Monday of the week, or YYYY-MM." }),
        ...OrdersFiguresSchema,
      }),
    ),
  })
  .openapi("OrdersReport");

export const CustomersQuerySchema = z.object({
  ...rangeQuery,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .openapi({ description: "Top customers listed, 1 to 100." }),
});

export const CustomersReportSchema = z
  .object({
    ...rangeAnswer,
    customers: count("Customers with an order paid in the period."),
    new_customers: count("Of those, the ones whose first paid order ever is in the period."),
    returning_customers: count("Of those, the ones who had paid for an order before the period."),
    repeat_customers: count("Of those, the ones with two or more orders paid in the period."),
    repeat_rate: orNull("repeat_customers ÷ customers; null when there are none."),
    top_customers: z
      .array(
        z.object({
          customer_id: z.string(),
          email: z
            .string()
            .nullable()
            .openapi({ description: "Null unless the caller may read customers (`GET /v1/customers`)." }),
          name: z.string().nullable().openapi({ description: "Like email." }),
          first_paid_day: z.string().nullable().openapi({ description: "The day of their first paid order ever." }),
          orders_paid: count("Orders paid in the period."),
          gross_sales: money("Totals (tax included) of those orders."),
          refunds: money("Refunds of their orders recorded in the period."),
          net_sales: money("gross_sales − refunds."),
        }),
      )
      .openapi({ description: "Customers with an order paid or a refund in the period, by net_sales, largest first." }),
  })
  .openapi("CustomersReport");

export const ProductsQuerySchema = z.object({
  ...rangeQuery,
  sort: z
    .enum(PRODUCT_SORTS)
    .default("units_sold")
    .openapi({ description: "Largest first; net_revenue is revenue − refunds." }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Products per page, 1 to 100." }),
  cursor: z.string().max(512).optional().openapi({ description: "The `next_cursor` of the previous page." }),
});

export const ProductsReportSchema = z
  .object({
    ...rangeAnswer,
    sort: z.enum(PRODUCT_SORTS),
    days: count("Days of the period up to today, that days_of_cover averages the units sold over."),
    data: z.array(
      z.object({
        product_id: z.string(),
        sku: z.string().nullable(),
        name: z.string().nullable(),
        units_sold: count("Units paid for in the period."),
        revenue: money("Their line totals, before tax."),
        units_refunded: count("Units refunded in the period."),
        refunds: money("Refunded line amounts, before tax."),
        net_revenue: money("revenue − refunds."),
        on_hand: count("Units on hand now, over all locations."),
        available: count("Units available now, over all locations."),
        return_rate: orNull("units_refunded ÷ units_sold; null when none sold."),
        sell_through: orNull("units_sold ÷ (units_sold + on_hand); null when both are 0."),
        days_of_cover: orNull("available ÷ units sold per day over `days`; null when none sold."),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .openapi("ProductsReport");
