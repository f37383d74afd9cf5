import { describe, expect, it } from "vitest";
import { formatMoney } from "../../../src/lib/money";
import { orderTotals, taxOn } from "../../../src/modules/orders/money";

describe("money in minor units", () => {
  it("rounds tax half up to the minor unit", () => {
    expect(taxOn(1004, 1250)).toBe(126); // 125.5
    expect(taxOn(1003, 1250)).toBe(125); // 125.375
    expect(taxOn(1, 5000)).toBe(1); // 0.5
    expect(taxOn(1, 4999)).toBe(0); // 0.4999
    expect(taxOn(0, 2000)).toBe(0);
    expect(taxOn(12345, 0)).toBe(0);
    expect(taxOn(12345, 10_000)).toBe(12345);
  });

  it("stays exact where floating point would not", () => {
    // 2^53 - 1 at 20 %: the product of the two is far past 2^53.
    expect(taxOn(Number.MAX_SAFE_INTEGER, 2000)).toBe(1801439850948198);
    // 0.1 + 0.2 style drift: 5 × 7 % in floats is 0.35000000000000003.
    expect(taxOn(5, 700)).toBe(0);
    expect(taxOn(50, 700)).toBe(4); // 3.5
  });

  it("totals lines and refuses totals that cannot be represented exactly", () => {
    expect(orderTotals([1999, 1999, 2], 2000)).toEqual({ subtotal: 4000, tax: 800, total: 4800 });
    expect(() => orderTotals([Number.MAX_SAFE_INTEGER, 1], 0)).toThrow(/too large/);
    expect(() => orderTotals([Number.MAX_SAFE_INTEGER], 2000)).toThrow(/too large/);
  });

  it("formats amounts for people without turning them into floats", () => {
    expect(formatMoney(123456, "EUR")).toBe("EUR 1,234.56");
    expect(formatMoney(5, "USD")).toBe("USD 0.05");
    expect(formatMoney(1500, "JPY")).toBe("JPY 1,500");
    expect(formatMoney(1234, "KWD")).toBe("KWD 1.234");
    expect(formatMoney(-250, "GBP")).toBe("-GBP 2.50");
  });
});
