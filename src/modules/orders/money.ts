import { badRequest } from "../../lib/errors";

/**
 * Tax on a subtotal at a rate in basis points, rounded half up to the minor unit:
 * tax = floor((subtotal × bps + 5000) / 10000). BigInt keeps subtotal × bps exact far
 * past 2^53. Refunds apply the same rounding to the cumulative refunded subtotal, so
 * the tax of all refunds together equals the order's tax exactly once it is fully refunded.
 */
export function taxOn(subtotal: number, taxRateBps: number): number {
  return Number((BigInt(subtotal) * BigInt(taxRateBps) + 5000n) / 10000n);
}

/** Every stored amount must stay an exact integer in JavaScript and in SQLite. */
export function assertSafeAmount(amount: number, what: string): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw badRequest(`The ${what} is too large to be handled exactly.`, [
      { path: "lines", message: "Amount too large" },
    ]);
  }
  return amount;
}

export interface Totals {
  subtotal: number;
  tax: number;
  total: number;
}

export function orderTotals(lineTotals: number[], taxRateBps: number): Totals {
  const subtotal = assertSafeAmount(
    lineTotals.reduce((sum, t) => sum + t, 0),
    "order subtotal",
  );
  const tax = taxOn(subtotal, taxRateBps);
  return { subtotal, tax, total: assertSafeAmount(subtotal + tax, "order total") };
}
