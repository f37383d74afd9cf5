import { z } from "@hono/zod-openapi";
import { isTimeZone } from "../../lib/days";

/** ISO 4217 codes the runtime knows; the regex alone would accept "ABC". */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** The one schema of the store settings: validated on every write. */
export const SettingsSchema = z
  .strictObject({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "Must be an upper-case ISO 4217 code such as EUR")
      .refine((code) => KNOWN_CURRENCIES.has(code), "Not an ISO 4217 currency code")
      .openapi({ example: "EUR", description: "The store currency (ISO 4217); every amount is in its minor units." }),
    tax_rate_bps: z.number().int().min(0).max(10_000).openapi({
      example: 2000,
      description: "Tax rate in basis points (2000 = 20 %), applied to the order subtotal.",
    }),
    reservation_ttl_minutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .openapi({ example: 15, description: "How long a pending order holds its stock." }),
    low_stock_default: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .openapi({ example: 5, description: "Low-stock threshold for products that set none." }),
    order_auto_capture: z.boolean().openapi({
      description: "New orders ask for automatic capture: the order pipeline takes the payment right after checkout.",
    }),
    time_zone: z.string().max(64).refine(isTimeZone, "Not an IANA time zone name").default("UTC").openapi({
      example: "Europe/Zurich",
      description:
        "IANA time zone whose calendar days the reports and daily rollups use. After changing it, run `npm run reports:backfill` to re-key past days.",
    }),
    return_window_days: z.number().int().min(0).max(3650).default(30).openapi({
      example: 30,
      description: "How many days after completion a customer may open a return (staff may open one any time).",
    }),
    max_units_per_product_per_order: z.number().int().min(1).max(1000).default(20).openapi({
      example: 20,
      description:
        "The most units of one product a customer's checkout may hold. Staff orders, direct sales and the point of sale are not limited.",
    }),
    max_open_orders_per_customer: z.number().int().min(1).max(1000).default(5).openapi({
      example: 5,
      description:
        "How many unpaid (pending or paying) orders a customer may have at once; checkout refuses the next one. Orders staff place are not refused.",
    }),
  })
  .openapi("SettingsInput");

/** PATCH: any subset of the fields. No defaults here, so an absent field keeps its value. */
export const SettingsPatchSchema = SettingsSchema.extend({
  return_window_days: SettingsSchema.shape.return_window_days.unwrap(),
  max_units_per_product_per_order: SettingsSchema.shape.max_units_per_product_per_order.unwrap(),
  max_open_orders_per_customer: SettingsSchema.shape.max_open_orders_per_customer.unwrap(),
})
  .partial()
  .openapi("SettingsPatch");

export type StoreSettings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: StoreSettings = {
  currency: "USD",
  tax_rate_bps: 0,
  reservation_ttl_minutes: 15,
  low_stock_default: 5,
  order_auto_capture: false,
  time_zone: "UTC",
  return_window_days: 30,
  max_units_per_product_per_order: 20,
  max_open_orders_per_customer: 5,
};

// Its own closed object rather than an `extend` of SettingsInput, which the document would
// render as allOf of two closed objects: a schema no answer can ever satisfy.
export const SettingsResponse = z
  .strictObject({
    ...SettingsSchema.shape,
    version: z.number().int().openapi({ description: "0 until the settings are first saved." }),
    updated_at: z.string().nullable(),
  })
  .openapi("Settings");

export type SettingsView = z.infer<typeof SettingsResponse>;
