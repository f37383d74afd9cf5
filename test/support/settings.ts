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

/** Runs `work` with the store's tax rate set, then puts the previous rate back. */
export async function withTaxRate(admin: SignedIn, bps: number, work: () => Promise<void>): Promise<void> {
  const before = (await getSettings(admin)).body.tax_rate_bps;
  await changeSettings(admin, { tax_rate_bps: bps });
  try {
    await work();
  } finally {
    await changeSettings(admin, { tax_rate_bps: before });
  }
}
