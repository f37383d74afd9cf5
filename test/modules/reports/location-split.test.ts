import { describe, expect, it } from "vitest";
import { apportion, refundedAt, soldAt } from "../../../src/modules/reports/location-split";

const at = (location_id: string, qty: number) => ({ location_id, qty });

/** A small seeded generator, so a failing case can be replayed. */
function random(seed: number) {
  let s = seed;
  return (below: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * below);
  };
}

describe("apportion", () => {
  it("gives each weight its quota rounded down and the rest to the largest remainders, earlier on a tie", () => {
    expect(apportion(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(apportion(1001, [1, 2, 4])).toEqual([143, 286, 572]);
    // Quotas 3.6, 2.7 and 3.7: floors 3, 2 and 3, the two units left to the remainders .7.
    expect(apportion(10, [36, 27, 37])).toEqual([3, 3, 4]);
    // Quotas 3.5, 2.5 and 4: the one unit left goes to the earlier of the two .5.
    expect(apportion(10, [35, 25, 40])).toEqual([4, 2, 4]);
    expect(apportion(7, [0, 5, 0])).toEqual([0, 7, 0]);
    expect(apportion(0, [2, 3])).toEqual([0, 0]);
    expect(apportion(5, [])).toEqual([]);
  });

  it("sums to the total exactly and stays within a unit of every exact share", () => {
    const next = random(7);
    for (let n = 0; n < 2000; n++) {
      const weights = Array.from({ length: 1 + next(5) }, () => next(1000));
      if (weights.every((w) => w === 0)) continue;
      const total = next(1_000_000);
      const parts = apportion(total, weights);
      const sum = weights.reduce((s, w) => s + w, 0);
      expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
      parts.forEach((p, i) => {
        const exact = (total * (weights[i] ?? 0)) / sum;
        expect(p).toBeGreaterThanOrEqual(Math.floor(exact));
        expect(p).toBeLessThanOrEqual(Math.ceil(exact));
      });
    }
  });
});

describe("soldAt", () => {
  it("gives each location its units and the line's money in proportion, summing to the line", () => {
    expect(soldAt([at("A", 2), at("B", 3)], 1665)).toEqual([
      { location_id: "A", units: 2, amount: 666 },
      { location_id: "B", units: 3, amount: 999 },
    ]);
    expect(soldAt([at("A", 1), at("B", 1), at("C", 1)], 100)).toEqual([
      { location_id: "A", units: 1, amount: 34 },
      { location_id: "B", units: 1, amount: 33 },
      { location_id: "C", units: 1, amount: 33 },
    ]);
    expect(soldAt([at("A", 4)], 999)).toEqual([{ location_id: "A", units: 4, amount: 999 }]);
  });
});

describe("refundedAt", () => {
  it("takes a refund's units from the locations furthest behind their share, the money with them", () => {
    const line = [at("A", 2), at("B", 3)];
    // Two of five: B's share is the larger, then A is behind.
    expect(refundedAt(line, 0, 2, 666)).toEqual([
      { location_id: "A", units: 1, amount: 333 },
      { location_id: "B", units: 1, amount: 333 },
    ]);
    // The third: B (3 × 3/5 = 1.8 against 1) rather than A (1.2 against 1).
    expect(refundedAt(line, 2, 1, 333)).toEqual([{ location_id: "B", units: 1, amount: 333 }]);
    expect(refundedAt(line, 3, 2, 666)).toEqual([
      { location_id: "A", units: 1, amount: 333 },
      { location_id: "B", units: 1, amount: 333 },
    ]);
    // A tie goes to the earlier allocation.
    expect(refundedAt([at("A", 1), at("B", 1)], 0, 1, 50)).toEqual([{ location_id: "A", units: 1, amount: 50 }]);
  });

  it("over any run of refunds: exact sums, nothing negative, never more than sold, everything back when refunded in full", () => {
    const next = random(42);
    for (let n = 0; n < 1000; n++) {
      const line = Array.from({ length: 1 + next(4) }, (_, i) => at(`L${i}`, 1 + next(12)));
      const qty = line.reduce((s, a) => s + a.qty, 0);
      const unitPrice = 1 + next(5000);
      const back = new Map<string, { units: number; amount: number }>();
      for (let before = 0; before < qty; ) {
        const units = 1 + next(qty - before);
        const parts = refundedAt(line, before, units, unitPrice * units);
        expect(parts.reduce((s, p) => s + p.units, 0)).toBe(units);
        expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(unitPrice * units);
        for (const p of parts) {
          expect(p.units).toBeGreaterThan(0);
          const sum = back.get(p.location_id) ?? { units: 0, amount: 0 };
          back.set(p.location_id, { units: sum.units + p.units, amount: sum.amount + p.amount });
        }
        for (const a of line) expect(back.get(a.location_id)?.units ?? 0).toBeLessThanOrEqual(a.qty);
        before += units;
      }
      // In full: what each location sold, its money as the sale split it.
      const sold = soldAt(line, unitPrice * qty);
      expect(line.map((a) => back.get(a.location_id))).toEqual(sold.map((s) => ({ units: s.units, amount: s.amount })));
    }
  });
});
