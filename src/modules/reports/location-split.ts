/*
 * How an order line's units and money are shared out over the locations it was sold
 * from, for the per-location sales rollup. No imports: the backfill script loads this
 * file straight into Node and hands it to the recomputation, so both split alike.
 */

export interface Allocation {
  location_id: string;
  qty: number;
}

export interface LocationPart {
  location_id: string;
  units: number;
  amount: number;
}

/**
 * Whole parts of `total` in proportion to `weights` (non-negative, summing to more than
 * 0), by the largest-remainder method: each part is its quota rounded down, and the
 * units left go to the largest remainders (the earlier weight on a tie), so the parts
 * sum to `total` exactly.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map(() => 0);
  // Integer arithmetic: quota = total × w / sum, remainder kept as (total × w) mod sum.
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  const order = weights
    .map((w, i) => ({ i, remainder: (total * w) % sum }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  let left = total - parts.reduce((s, p) => s + p, 0);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left--;
  }
  return parts;
}

/** A line paid: each location its allocated units, and the line amount in proportion to them. */
export function soldAt(allocations: readonly Allocation[], amount: number): LocationPart[] {
  const amounts = apportion(
    amount,
    allocations.map((a) => a.qty),
  );
  return allocations.map((a, i) => ({ location_id: a.location_id, units: a.qty, amount: amounts[i] ?? 0 }));
}

/**
 * How many of a line's first `n` refunded units each location gives back: each next
 * unit comes from the location furthest behind its share of the units refunded so far
 * (the earlier allocation on a tie). A function of `n` alone, so successive refunds need
 * no record of earlier splits: each gives back the difference, which is never negative;
 * no location gives back more than it sold, a line refunded in full gives back exactly
 * its allocations, and each count stays close to its exact share of the `n` (most often
 * the largest-remainder split, which could take units back from a location as `n` grows).
 */
function refundedUpTo(allocations: readonly Allocation[], n: number): number[] {
  const total = allocations.reduce((s, a) => s + a.qty, 0);
  const given = allocations.map(() => 0);
  if (total === 0) return given;
  for (let r = 1; r <= n; r++) {
    // Behind its share by r × qty / total − given; compared times total, in integers.
    let best = 0;
    let lag = Number.NEGATIVE_INFINITY;
    allocations.forEach((a, i) => {
      const behind = r * a.qty - total * (given[i] ?? 0);
      if (behind > lag) {
        best = i;
        lag = behind;
      }
    });
    given[best] = (given[best] ?? 0) + 1;
  }
  return given;
}

/**
 * A refund of `qty` units of a line (and `amount`, its money) of which `before` units
 * were refunded by earlier refunds: the units each location gives back between the
 * two, and the amount in proportion to them. Locations giving back nothing are left out.
 */
export function refundedAt(
  allocations: readonly Allocation[],
  before: number,
  qty: number,
  amount: number,
): LocationPart[] {
  const earlier = refundedUpTo(allocations, before);
  const units = refundedUpTo(allocations, before + qty).map((u, i) => u - (earlier[i] ?? 0));
  const amounts = apportion(amount, units);
  return allocations
    .map((a, i) => ({ location_id: a.location_id, units: units[i] ?? 0, amount: amounts[i] ?? 0 }))
    .filter((p) => p.units > 0 || p.amount > 0);
}
