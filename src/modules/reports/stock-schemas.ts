import { z } from "@hono/zod-openapi";
import { INTERVALS } from "./range";
import { money, rangeAnswer, rangeQuery } from "./schema-parts";

const count = (description: string) => z.number().int().openapi({ description });

export const InventoryQuerySchema = z.object({
  ...rangeQuery,
  interval: z.enum(INTERVALS).default("day").openapi({ description: "Weeks start on Monday." }),
  location_id: z.string().min(1).max(64).optional().openapi({ description: "Only this location." }),
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ description: "Slow movers listed, 1 to 100." }),
});

const StockValueSchema = z.object({
  on_hand: count("Units on hand (damaged and quarantined included)."),
  value_at_cost: money("on_hand × unit_cost, over the products that have a unit_cost."),
  units_without_cost: count("Units on hand of products without a unit_cost (not valued)."),
  products_without_cost: count("Products with stock here but no unit_cost."),
});

export const InventoryReportSchema = z
  .object({
    ...rangeAnswer,
    interval: z.enum(INTERVALS),
    location_id: z.string().nullable(),
    movements: z
      .array(
        z.object({
          period: z.string().openapi({ description: "The day, the Monday of the week, or YYYY-MM." }),
          reason: z.string(),
          movements: count("Ledger movements."),
          units_in: count("Units that came on hand."),
          units_out: count("Units that left on hand."),
        }),
      )
      .openapi({ description: "By period and reason, from the daily movement rollup." }),
    stock_value: z
      .object({
        locations: z.array(StockValueSchema.extend({ location_id: z.string(), name: z.string().nullable() })),
        total: StockValueSchema,
      })
      .openapi({ description: "Now (the projected levels), by location, highest value first." }),
    slow_movers: z
      .array(
        z.object({
          product_id: z.string(),
          sku: z.string(),
          name: z.string(),
          on_hand: count("Units on hand now."),
          units_out: count("Units sold or dispatched in the period."),
        }),
      )
      .openapi({ description: "Products with stock on hand, fewest units out in the period first." }),
  })
  .openapi("InventoryReport");

export const DispatchesQuerySchema = z.object({
  ...rangeQuery,
  company_id: z.string().min(1).max(64).optional().openapi({ description: "Only this company." }),
});

const turnaround = z
  .number()
  .nullable()
  .openapi({ description: "Average days from sent to the return that left nothing out; null if none completed." });

export const DispatchesReportSchema = z
  .object({
    time_zone: z.string(),
    from: z.string(),
    to: z.string(),
    company_id: z.string().nullable(),
    data: z.array(
      z.object({
        company_id: z.string(),
        company_name: z.string().nullable(),
        project_id: z.string().nullable(),
        project_code: z.string().nullable(),
        dispatches: count("Dispatches sent in the period."),
        lines: count("Their stock lines."),
        units_dispatched: count("Their units."),
        samples_dispatched: count("Their samples."),
        units_returned_good: count("Units back in good condition in the period."),
        units_returned_damaged: count("Units back damaged."),
        units_consumed: count("Units reported consumed."),
        units_lost: count("Units reported lost."),
        samples_returned: z.number().int(),
        samples_consumed: z.number().int(),
        units_outstanding: count("Units still out at the end of `to`."),
        samples_outstanding: count("Samples still out at the end of `to`."),
        completed: count("Dispatches whose return in the period left nothing out."),
        average_turnaround_days: turnaround,
      }),
    ),
    total: z.object({
      dispatches: z.number().int(),
      units_dispatched: z.number().int(),
      units_returned: count("Good and damaged."),
      units_consumed: z.number().int(),
      units_lost: z.number().int(),
      units_outstanding: z.number().int(),
      samples_outstanding: z.number().int(),
      completed: z.number().int(),
      average_turnaround_days: turnaround,
    }),
  })
  .openapi("DispatchesReport");

const buckets = {
  on_hand: z.number().int(),
  reserved: z.number().int(),
  damaged: z.number().int(),
  quarantine: z.number().int(),
  incoming: z.number().int(),
  out: z.number().int(),
};

export const LocationReconciliationSchema = z
  .object({
    location_id: z.string(),
    object: z.object({ ...buckets, version: z.number().int() }).openapi({ description: "The object's level here." }),
    ledger: z
      .object({ ...buckets, movements: z.number().int() })
      .openapi({ description: "The D1 movements here, summed." }),
    projection: z
      .object({ ...buckets, version: z.number().int() })
      .nullable()
      .openapi({ description: "The projected location level; null if never projected." }),
    dispatch: z
      .object({
        lines: count("Dispatch lines of this product sent from here."),
        dispatched: z.number().int(),
        returned: count("Back good or damaged."),
        consumed: z.number().int(),
        lost: z.number().int(),
        outstanding: count("Still out on those lines."),
        returning: count("Recorded as returned, not yet moved back on the object."),
      })
      .openapi({ description: "Checked against `out`: outstanding + returning must equal the object's out." }),
    matches: z.boolean(),
    problems: z.array(z.string()),
  })
  .openapi("LocationReconciliation");
