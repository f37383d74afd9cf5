import { stringify } from "csv-stringify/sync";
import type { Cell } from "./reader";

/**
 * Text a spreadsheet would run as a formula (or that hides one behind a tab or CR)
 * is prefixed with an apostrophe, as OWASP recommends. Numbers are ours, never
 * user text, so a negative quantity stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(cell: Cell): Cell {
  return typeof cell === "string" && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Text as it was before `neutralise`, so an exported file imports back to the same values. */
export function restoreNeutralised(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** CSV lines (RFC 4180, CRLF) for these rows, every text cell neutralised. */
export function csvLines(rows: Cell[][]): string {
  if (rows.length === 0) return "";
  return stringify(
    rows.map((row) => row.map(neutralise)),
    { record_delimiter: "windows", cast: { number: (n) => String(n) } },
  );
}
