/*
 * Live stock: who may open a stream and what they may watch. Any signed-in user or
 * publishable key may watch named products (stock levels are storefront facts);
 * only staff, or secret keys that may read inventory, may watch every product.
 * Browsers send an Origin, which must be on the CORS allow-list.
 */
import type { Actor } from "../../context";
import { forbidden } from "../../lib/errors";

export function mayWatchEverything(actor: Actor): boolean {
  if (actor.kind === "user") return actor.role !== "customer";
  return actor.type === "secret" && actor.scopes.includes("inventory:read");
}

export function checkStreamOrigin(origin: string | undefined, allowList: string): void {
  if (origin === undefined) return; // not a browser
  const allowed = allowList.split(",").map((o) => o.trim());
  if (!allowed.includes(origin)) throw forbidden(`Origin ${origin} may not open a live-stock stream.`);
}
