import { parse } from "csv-parse/sync";
import type { Database } from "../../db/client";
import type { ImportRowError, ImportType } from "../../db/schema";
import { badRequest } from "../../lib/errors";
import { restoreNeutralised } from "../exports";
import { MAX_COUNTED } from "../inventory";
import { locationIdsByCode } from "../locations";
import { findProductsBySku, productWriteRefusals } from "../products";
import { type CreateSampleInput, CreateSampleSchema, sampleRefusals } from "../samples";

/** The columns each import type reads; `required` must be in the header. */
export const IMPORT_COLUMNS: Record<ImportType, { required: string[]; optional: string[] }> = {
  products: {
    required: ["sku"],
    optional: [
      "name",
      "description",
      "price",
      "compare_at_price",
      "unit_cost",
      "category_id",
      "barcode",
      "low_stock_threshold",
    ],
  },
  stock_counts: { required: ["sku", "on_hand"], optional: ["location_code"] },
  samples: {
    required: ["number", "type"],
    optional: ["drillhole_id", "depth_from", "depth_to", "lot", "weight_grams", "location_code", "notes"],
  },
};

/** The columns each type's rows are told apart by: two rows with the same values are refused. */
const ROW_KEY: Record<ImportType, [string, ...string[]]> = {
  products: ["sku"],
  stock_counts: ["sku", "location_code"],
  samples: ["number"],
};

/** The most data rows one file may hold. */
export const MAX_IMPORT_ROWS = 100_000;

const INTEGER_COLUMNS = new Set(["price", "compare_at_price", "unit_cost", "low_stock_threshold", "on_hand"]);
const DECIMAL_COLUMNS = new Set(["depth_from", "depth_to", "weight_grams"]);

/** One data row: its number in the file (the header is row 1) and its cells by column. */
export interface CsvRow {
  row: number;
  cells: Record<string, string>;
}

/**
 * The file's rows; a file that is not CSV, or lacks a required column, is refused whole.
 * A cell an export neutralised (`'=…`) reads back as its text.
 */
export function readRows(type: ImportType, text: string): CsvRow[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), { skip_empty_lines: true, relax_column_count: false });
  } catch (err) {
    throw badRequest(`The file is not valid CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [header, ...data] = records;
  if (!header) throw badRequest("The file is empty; it needs a header row.");
  const names = header.map((h) => h.trim().toLowerCase());
  const { required, optional } = IMPORT_COLUMNS[type];
  const missing = required.filter((c) => !names.includes(c));
  const unknown = names.filter((c) => !required.includes(c) && !optional.includes(c));
  if (missing.length > 0 || unknown.length > 0) {
    throw badRequest(
      `A ${type} file has the columns ${[...required, ...optional].join(", ")} (${required.join(", ")} required).`,
      [
        ...missing.map((c) => ({ path: `header.${c}`, message: "Missing column" })),
        ...unknown.map((c) => ({ path: `header.${c}`, message: "Unknown column" })),
      ],
    );
  }
  return data.map((record, i) => ({
    row: i + 2,
    cells: Object.fromEntries(names.map((name, j) => [name, restoreNeutralised((record[j] ?? "").trim())])),
  }));
}

function cellValue(name: string, value: string): unknown {
  if (INTEGER_COLUMNS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (DECIMAL_COLUMNS.has(name) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/**
 * The cells as API input: empty cells are left out, numbers parsed (anything else stays
 * text and fails), and a `location_code` given as the `location_id` it names.
 */
export function rowInput(cells: Record<string, string>, locationIds: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(cells)) {
    if (value === "") continue;
    if (name === "location_code") out.location_id = locationIds.get(value);
    else out[name] = cellValue(name, value);
  }
  return out;
}

/** The ids of the locations the rows name by code. */
export const rowLocations = (db: Database, rows: CsvRow[]) =>
  locationIdsByCode(
    db,
    rows.map((r) => r.cells.location_code ?? "").filter((c) => c !== ""),
  );

type RowCheck = (db: Database, rows: CsvRow[], locationIds: Map<string, string>) => Promise<ImportRowError[]>;

const locationError = (row: number, cells: Record<string, string>, locationIds: Map<string, string>) =>
  cells.location_code && !locationIds.has(cells.location_code)
    ? [{ row, column: "location_code", message: "No location has this code" }]
    : [];

const schemaErrors = (row: number, issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((issue) => ({ row, column: String(issue.path[0] ?? "row"), message: issue.message }));

const checkProducts: RowCheck = async (db, rows) => {
  const refusals = await productWriteRefusals(
    db,
    rows.map((r) => rowInput(r.cells, new Map())),
  );
  return refusals.map(({ index, field, message, sameAs }) => ({
    row: rows[index]?.row ?? 0,
    column: field,
    message: sameAs === undefined ? message : `Same ${field} as row ${rows[sameAs]?.row}`,
  }));
};

const checkStockCounts: RowCheck = async (db, rows, locationIds) => {
  const existing = await findProductsBySku(
    db,
    rows.map((r) => r.cells.sku ?? ""),
  );
  const counted = (value: string) => /^\d+$/.test(value) && Number(value) <= MAX_COUNTED;
  return rows.flatMap(({ row, cells }) => [
    ...(existing.has(cells.sku ?? "") ? [] : [{ row, column: "sku", message: "No product has this SKU" }]),
    ...(counted(cells.on_hand ?? "")
      ? []
      : [{ row, column: "on_hand", message: `A whole number from 0 to ${MAX_COUNTED}` }]),
    ...locationError(row, cells, locationIds),
  ]);
};

/** Each row as a new sample: its fields, then where it would go (number, hole, interval), rows checked against each other too. */
const checkSamples: RowCheck = async (db, rows, locationIds) => {
  const errors: ImportRowError[] = [];
  const placeable: { row: number; input: CreateSampleInput }[] = [];
  for (const { row, cells } of rows) {
    const unknownPlace = locationError(row, cells, locationIds);
    const parsed = CreateSampleSchema.safeParse(rowInput(cells, locationIds));
    if (!parsed.success) errors.push(...unknownPlace, ...schemaErrors(row, parsed.error.issues));
    else if (unknownPlace.length > 0) errors.push(...unknownPlace);
    else placeable.push({ row, input: parsed.data });
  }
  const refusals = await sampleRefusals(
    db,
    placeable.map((p) => p.input),
  );
  refusals.forEach((refusal, i) => {
    const row = placeable[i]?.row ?? 0;
    if (refusal) errors.push({ row, column: refusal.field, message: refusal.detail });
  });
  return errors;
};

const CHECKS: Record<ImportType, RowCheck> = {
  products: checkProducts,
  stock_counts: checkStockCounts,
  samples: checkSamples,
};

/** Every problem of every row, without changing anything, in row order. */
export async function validateRows(db: Database, type: ImportType, rows: CsvRow[]): Promise<ImportRowError[]> {
  const keys = ROW_KEY[type];
  const first = keys[0];
  const errors: ImportRowError[] = [];
  const seen = new Map<string, number>();
  const distinct: CsvRow[] = [];
  for (const r of rows) {
    const value = JSON.stringify(keys.map((k) => r.cells[k] ?? ""));
    const earlier = seen.get(value);
    if (!r.cells[first]) errors.push({ row: r.row, column: first, message: "Required" });
    else if (earlier !== undefined) {
      errors.push({ row: r.row, column: first, message: `Same ${keys.join(" and ")} as row ${earlier}` });
    } else {
      seen.set(value, r.row);
      distinct.push(r);
    }
  }
  // Checks can find an error in every row of 100,000: appended one by one, not spread into a call.
  for (const error of await CHECKS[type](db, distinct, await rowLocations(db, distinct))) errors.push(error);
  return errors.sort((a, b) => a.row - b.row);
}
