import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LOCATION_ID, dailyStockMovements, stockLocationLevels, stockMovements } from "../../../src/db/schema";
import type { ReconciliationRow } from "../../../src/modules/reports/reconciliation";
import { type SignedIn, signInAs } from "../../support/auth";
import { db } from "../../support/db";
import { draft, send, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
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
let manager: SignedIn;

beforeAll(async () => {
  [admin, manager] = await Promise.all([signInAs("admin"), signInAs("manager")]);
});

interface Repair {
  checked: number;
  repaired: { product_id: string; before: ReconciliationRow; after: ReconciliationRow }[];
}

const repair = (productIds: string[]) =>
  call<Repair>("POST", "/v1/reports/reconciliation/repair", {
    token: admin.token,
    body: { product_ids: productIds },
    headers: { "idempotency-key": crypto.randomUUID() },
  });

async function mismatchedRows(): Promise<ReconciliationRow[]> {
  const rows: ReconciliationRow[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { data: ReconciliationRow[]; next_cursor: string | null } } = await call(
      "GET",
      `/v1/reports/reconciliation?limit=100&only_mismatches=true${cursor ? `&cursor=${cursor}` : ""}`,
      { token: manager.token },
    );
    expect(res.status).toBe(200);
    rows.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return rows;
}

describe("reconciliation per location", () => {
  it("finds a corrupted location level, a lost ledger at one location and out units no dispatch accounts for", async () => {
    const here = await createLocation();
    const [levelBad, ledgerBad, strayOut] = await Promise.all([
      costedProduct(10),
      costedProduct(10),
      costedProduct(10),
    ]);
    for (const p of [levelBad, ledgerBad, strayOut]) {
      await adjust(p, null, 5);
      await adjust(p, here.id, 7);
    }
    // Three units of one product leave `here` on a real dispatch: the check finds them out.
    const { company, project } = await shed(manager.token, 0);
    const dsp = await draft(manager.token, {
      company_id: company.id,
      project_id: project.id,
      location_id: here.id,
      lines: [{ product_id: levelBad, qty: 3 }],
    });
    expect((await send(manager.token, dsp.id)).status).toBe(200);
    // Two units of another put `out` by hand, with no dispatch.
    await changeState(strayOut, { location_id: here.id, from: "sellable", to: "out", qty: 2 });
    await Promise.all([projected(levelBad), projected(ledgerBad), projected(strayOut)]);

    await db
      .update(stockLocationLevels)
      .set({ onHand: 99 })
      .where(and(eq(stockLocationLevels.productId, levelBad), eq(stockLocationLevels.locationId, here.id)));
    await db
      .delete(stockMovements)
      .where(and(eq(stockMovements.productId, ledgerBad), eq(stockMovements.locationId, here.id)));
    await db.delete(dailyStockMovements).where(eq(dailyStockMovements.productId, ledgerBad));

    const rows = await mismatchedRows();
    const row = (id: string) => rows.find((r) => r.product_id === id);
    // The product totals agree; only the location level at `here` is wrong, and it comes first.
    expect(row(levelBad)).toMatchObject({ matches: false, problems: [] });
    expect(row(levelBad)?.locations.map((l) => [l.location_id, l.problems])).toEqual([
      [here.id, ["projected on_hand differs from the object"]],
      [DEFAULT_LOCATION_ID, []],
    ]);
    expect(row(levelBad)?.locations[0]).toMatchObject({
      object: { on_hand: 4, out: 3 },
      ledger: { on_hand: 4, out: 3, movements: 2 },
      projection: { on_hand: 99, out: 3 },
      dispatch: { lines: 1, dispatched: 3, returned: 0, consumed: 0, lost: 0, outstanding: 3, returning: 0 },
    });
    expect(row(ledgerBad)?.problems).toEqual(["ledger on_hand differs from the object"]);
    expect(row(ledgerBad)?.locations[0]).toMatchObject({
      location_id: here.id,
      ledger: { on_hand: 0, movements: 0 },
      problems: ["ledger on_hand differs from the object"],
    });
    expect(row(strayOut)?.locations[0]).toMatchObject({
      location_id: here.id,
      object: { out: 2 },
      dispatch: { outstanding: 0 },
      problems: ["dispatches' outstanding units differ from the object's out"],
    });

    const res = await repair([levelBad, ledgerBad, strayOut]);
    expect(res.status, res.text).toBe(200);
    const after = new Map(res.body.repaired.map((r) => [r.product_id, r.after]));
    expect(after.get(levelBad)?.matches).toBe(true);
    expect(after.get(ledgerBad)?.matches).toBe(true);
    // The projection cannot explain stock put out by hand: it stays reported.
    expect(after.get(strayOut)?.matches).toBe(false);
    const [level] = await db
      .select()
      .from(stockLocationLevels)
      .where(and(eq(stockLocationLevels.productId, levelBad), eq(stockLocationLevels.locationId, here.id)));
    expect(level?.onHand).toBe(4);
    // The lost movements are back, at their location, and the product's rollup is rebuilt from them.
    const restored = await db.select().from(stockMovements).where(eq(stockMovements.productId, ledgerBad));
    expect(restored.map((m) => m.locationId).sort()).toEqual([DEFAULT_LOCATION_ID, here.id].sort());
    const settings = await call<{ time_zone: string }>("GET", "/v1/settings", { token: admin.token });
    const rebuilt = await storedMovementRollups([ledgerBad]);
    expect(rebuilt.map((r) => r.units_in).sort((a, b) => a - b)).toEqual([5, 7]);
    expect(rebuilt).toEqual(await recomputedMovements(settings.body.time_zone, [ledgerBad]));
    // The per-location sums, which still counted the deleted rows, are exact again.
    expect(await driftedLocationSums([ledgerBad, levelBad])).toEqual([]);
  });
});
