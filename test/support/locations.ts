import { env } from "cloudflare:workers";
import { newId } from "../../src/lib/ids";
import { stockObject } from "../../src/modules/stock";
import { signInAs } from "./auth";
import { call } from "./http";

/** A location made through the API (admin), with a unique code; fulfils orders unless told otherwise. */
export async function createLocation(
  overrides: { fulfils_orders?: boolean; priority?: number; kind?: string; active?: boolean } = {},
): Promise<{ id: string; code: string; version: number }> {
  // A fresh admin each time: test files share one worker, and another file may end every session.
  const admin = await signInAs("admin");
  const code = `T-${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
  const res = await call<{ id: string; code: string; version: number }>("POST", "/v1/locations", {
    token: admin.token,
    body: { name: `Location ${code}`, code, kind: "warehouse", fulfils_orders: true, priority: 10, ...overrides },
  });
  if (res.status !== 201) throw new Error(`creating a location failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Receives `qty` units of the product at the location, on its stock object. */
export async function stockAt(productId: string, locationId: string, qty: number): Promise<void> {
  const result = await stockObject(env.INVENTORY, productId).adjust({
    movement_id: newId("mov"),
    location_id: locationId,
    delta: qty,
    reason: "received",
  });
  if (!result.ok) throw new Error(`stocking failed: ${JSON.stringify(result)}`);
}
