import type { SignedIn } from "./auth";
import { call } from "./http";

export interface SettingsBody {
  currency: string;
  tax_rate_bps: number;
  reservation_ttl_minutes: number;
  low_stock_default: number;
  order_auto_capture: boolean;
  time_zone: string;
  return_window_days: number;
  max_units_per_product_per_order: number;
  max_open_orders_per_customer: number;
  version: number;
  updated_at: string | null;
}

export const getSettings = (user: SignedIn) => call<SettingsBody>("GET", "/v1/settings", { token: user.token });

export function putSettings(user: SignedIn, body: unknown, ifMatch?: string) {
  return call<SettingsBody>("PUT", "/v1/settings", {
    token: user.token,
    body,
    headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
  });
}

/**
 * Read-modify-write with If-Match, retried when another test file saved in between
 * (settings are one shared document).
 */
export async function changeSettings(admin: SignedIn, change: Partial<SettingsBody>): Promise<SettingsBody> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await getSettings(admin);
    const { version: _v, updated_at: _u, ...values } = current.body;
    const res = await putSettings(admin, { ...values, ...change }, current.headers.get("etag") ?? "");
    if (res.status === 200) return res.body;
    if (res.status !== 412) throw new Error(`settings update failed: ${res.status} ${res.text}`);
  }
  throw new Error("settings kept changing");
}

/** Runs `work` with some settings changed, then puts their previous values back. */
export async function withSettings(
  admin: SignedIn,
  change: Partial<SettingsBody>,
  work: () => Promise<void>,
): Promise<void> {
  const current = (await getSettings(admin)).body;
  const before = Object.fromEntries(Object.keys(change).map((k) => [k, current[k as keyof SettingsBody]]));
  await changeSettings(admin, change);
  try {
    await work();
  } finally {
    await changeSettings(admin, before);
  }
}

/** Runs `work` with the store's tax rate set, then puts the previous rate back. */
export function withTaxRate(admin: SignedIn, bps: number, work: () => Promise<void>): Promise<void> {
  return withSettings(admin, { tax_rate_bps: bps }, work);
}
