import { z } from "@hono/zod-openapi";

/** An amount of money in a report. */
export const money = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} Minor units of \`currency\`.` });

const day = z.iso.date().openapi({ description: "A calendar day (YYYY-MM-DD) in the store's time zone." });

/** A report's days, both inclusive (checked by `reportRange`). */
export const rangeQuery = {
  from: day.openapi({ description: "First day, inclusive." }),
  to: day.openapi({ description: "Last day, inclusive." }),
};

/** What every ranged report answers about itself. */
export const rangeAnswer = {
  currency: z.string(),
  time_zone: z.string().openapi({ description: "The store's time zone; days are its calendar days." }),
  from: z.string(),
  to: z.string(),
};
