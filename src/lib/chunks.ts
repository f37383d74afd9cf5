/**
 * D1 binds at most 100 parameters per statement, so long id lists and multi-row
 * inserts are cut into pieces that fit. `IDS_PER_QUERY` leaves room for a few more
 * parameters beside an `IN (…)` list.
 */
export const IDS_PER_QUERY = 90;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
