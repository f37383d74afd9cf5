import { z } from "@hono/zod-openapi";
// Pieces every report schema shares.

export const money = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} Minor units of \`currency\`.` });

export const day = z.iso.date().openapi({ description: "A calendar day (YYYY-MM-DD) in the store's time zone." });
