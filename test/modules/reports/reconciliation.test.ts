import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { auditLogs, stockLevels, stockMovements } from "../../../src/db/schema";
import type { ReconciliationRow } from "../../../src/modules/reports/reconciliation";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { db, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

interface Page {
  data: ReconciliationRow[];
  checked: number;
  mismatches: number;
  next_cursor: string | null;
}

let admin: SignedIn;
let manager: SignedIn;

/** Waits until the stock object's flush has projected the product to D1. */
const projected = (productId: string, onHand: number) =>
  vi.waitFor(
    async () => {
      const [level] = await db.select().from(stockLevels).where(eq(stockLevels.productId, productId));
      if (level?.onHand !== onHand) throw new Error("not projected yet");
    },
    { timeout: 10_000, interval: 50 },
  );

async function allRows(user: SignedIn, filter = ""): Promise<ReconciliationRow[]> {
  const rows: ReconciliationRow[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Page } = await call<Page>(
      "GET",
      `/v1/reports/reconciliation?limit=100${filter}${cursor ? `&cursor=${cursor}` : ""}`,
      { token: user.token },
    );
    expect(res.status).toBe(200);
    rows.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return rows;
}

beforeAll(async () => {
  admin = await signInAs("admin");
  manager = await signInAs("manager");
});

describe("reconciliation", () => {
  it("finds corrupted projection rows, puts them first, and repair makes them match the object", async () => {
    const good = await stockedProduct(8);
    const badLevel = await stockedProduct(5);
    const badLedger = await stockedProduct(9);
    await Promise.all([projected(good.id, 8), projected(badLevel.id, 5), projected(badLedger.id, 9)]);

    // Corrupt the projection on purpose: a wrong level, and a lost movement.
    await db.update(stockLevels).set({ onHand: 50, available: 50 }).where(eq(stockLevels.productId, badLevel.id));
    await db.delete(stockMovements).where(eq(stockMovements.productId, badLedger.id));

    // Other test files share the database, so the products made here may be on a later page.
    const mismatched = await allRows(manager, "&only_mismatches=true");
    const ids = mismatched.map((r) => r.product_id);
    expect(ids).toContain(badLevel.id);
    expect(ids).toContain(badLedger.id);
    expect(ids).not.toContain(good.id);
    const levelRow = mismatched.find((r) => r.product_id === badLevel.id);
    expect(levelRow).toMatchObject({
      object: { on_hand: 5 },
      ledger: { on_hand: 5 },
      projection: { on_hand: 50 },
      matches: false,
    });
    expect(mismatched.find((r) => r.product_id === badLedger.id)?.ledger).toEqual({
      on_hand: 0,
      reserved: 0,
      movements: 0,
    });
    // Over every page, mismatches come first within each page and the good product matches.
    const rows = await allRows(manager);
    expect(rows.find((r) => r.product_id === good.id)?.matches).toBe(true);

    const key = crypto.randomUUID();
    const body = { product_ids: [good.id, badLevel.id, badLedger.id] };
    expectProblem(
      await call("POST", "/v1/reports/reconciliation/repair", {
        token: manager.token,
        body,
        headers: { "idempotency-key": key },
      }),
      403,
      "FORBIDDEN",
    );
    const repair = await call<{ checked: number; repaired: { product_id: string; after: ReconciliationRow }[] }>(
      "POST",
      "/v1/reports/reconciliation/repair",
      { token: admin.token, body, headers: { "idempotency-key": key } },
    );
    expect(repair.status, repair.text).toBe(200);
    expect(repair.body.checked).toBe(3);
    expect(repair.body.repaired.map((r) => r.product_id).sort()).toEqual([badLedger.id, badLevel.id].sort());
    expect(repair.body.repaired.every((r) => r.after.matches)).toBe(true);
    const [level] = await db.select().from(stockLevels).where(eq(stockLevels.productId, badLevel.id));
    expect(level?.onHand).toBe(5);
    expect(await db.select().from(stockMovements).where(eq(stockMovements.productId, badLedger.id))).toHaveLength(1);

    const replay = await call("POST", "/v1/reports/reconciliation/repair", {
      token: admin.token,
      body,
      headers: { "idempotency-key": key },
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    // One audit row by this admin: the replay wrote none.
    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "stock.projection_repaired"), eq(auditLogs.actorId, admin.id)));
    expect(audits).toHaveLength(1);
  });

  it("refuses a repair without a key or with too many products", async () => {
    const body = { product_ids: ["prd_x"] };
    expectProblem(
      await call("POST", "/v1/reports/reconciliation/repair", { token: admin.token, body }),
      400,
      "VALIDATION_FAILED",
    );
    const many = { product_ids: Array.from({ length: 101 }, (_, i) => `prd_${i}`) };
    expectProblem(
      await call("POST", "/v1/reports/reconciliation/repair", {
        token: admin.token,
        body: many,
        headers: { "idempotency-key": "k" },
      }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("refuses a cursor that decodes to anything but a product's position", async () => {
    const encode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString("base64url");
    for (const key of [["x"], [-5], [1.5], [null], [1e300]]) {
      const res = await call("GET", `/v1/reports/reconciliation?cursor=${encode(key)}`, { token: manager.token });
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
  });
});
