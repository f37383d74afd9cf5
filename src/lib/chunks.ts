/** Cuts a list into pieces of at most `size` (queue sends, statement-sized row groups in src/db/lists.ts). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
