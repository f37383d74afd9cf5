import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID } from "../../../src/db/schema";
import { stockObject } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { createLocation } from "../../support/locations";
import { changeSettings } from "../../support/settings";
import {
  adjust,
  changeState,
  costedProduct,
  driftedLocationSums,
  projected,
  recomputedMovements,
  storedMovementRollups,
} from "./stock-support";

let admin: SignedIn;
let previous: string;

beforeAll(async () => {
  admin = await signInAs("admin");
  previous = (await changeSettings(admin, {})).time_zone;
  await changeSettings(admin, { time_zone: "Asia/Kolkata" });
});

afterAll(async () => {
  await changeSettings(admin, { time_zone: previous });
});

/** A small seeded generator, so a failing mix can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("the daily movement rollup", () => {
  it("equals a recomputation from the ledger after a random mix at two locations", async () => {
    const second = await createLocation();
    const locations = [null, second.id];
    const products = await Promise.all([costedProduct(100), costedProduct(null)]);
    for (const p of products) for (const at of locations) await adjust(p, at, 30);
    const next = random(7);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
    for (let i = 0; i < 30; i++) {
      const p = pick(products);
      const at = pick(locations);
      const fate = next();
      if (fate < 0.25) await adjust(p, at, 1 + Math.floor(next() * 4));
      else if (fate < 0.45) await changeState(p, { location_id: at, from: "sellable", to: "damaged", qty: 1 });
      else if (fate < 0.6) await changeState(p, { location_id: at, from: "sellable", to: "out", qty: 2 });
      else if (fate < 0.7) await changeState(p, { location_id: at, from: "sellable", to: "written_off", qty: 1 });
      else {
        // A hold and its sale: a reserved and a sale movement.
        const object = stockObject(env.INVENTORY, p);
        const reservation = `hold_${crypto.randomUUID()}`;
        const held = await object.reserve({
          reservation_id: reservation,
          qty: 1,
          ttl_seconds: 600,
          locations: [at ?? DEFAULT_LOCATION_ID],
        });
        expect(held.ok).toBe(true);
        if (fate < 0.85) expect((await object.commit({ reservation_id: reservation })).ok).toBe(true);
      }
    }
    await Promise.all(products.map((p) => projected(p)));
    const stored = await storedMovementRollups(products);
    expect(new Set(stored.map((r) => r.reason)).size).toBeGreaterThanOrEqual(4);
    expect(stored).toEqual(await recomputedMovements("Asia/Kolkata", products));
    expect(await driftedLocationSums(products)).toEqual([]);
  });
});
