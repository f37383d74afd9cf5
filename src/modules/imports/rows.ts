import { parse } from "csv-parse/sync";
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { IDS_PER_QUERY } from "../../db/lists";
import { type ImportRowError, type ImportType, products } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { badRequest } from "../../lib/errors";
import { CreateProductSchema, UpdateProductSchema } from "../products";

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
};

const INTEGER_COLUMNS = new Set(["price", "compare_at_price", "unit_cost", "low_stock_threshold", "on_hand"]);

/** One data row: its number in the file (the header is row 1) and its cells by column. */
export interface CsvRow {
  row: number;
  cells: Record<string, string>;
}

/** The file's rows; a file that is not CSV, or lacks a required column, is refused whole. */
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
    cells: Object.fromEntries(names.map((name, j) => [name, (record[j] ?? "").trim()])),
  }));
}

/** The cells as API input: empty cells are left out, whole numbers parsed (anything else stays text and fails). */
export function rowInput(cells: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(cells)) {
    if (value === "" || name === "location_code") continue;
    out[name] = INTEGER_COLUMNS.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

/** The ids of the products with these SKUs, in D1-sized pieces. */
export async function productIdsBySku(db: Database, skus: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of chunks([...new Set(skus)], IDS_PER_QUERY)) {
    const rows = await db
      .select({ id: products.id, sku: products.sku })
      .from(products)
      .where(inArray(products.sku, part));
    for (const r of rows) found.set(r.sku, r.id);
  }
  return found;
}

/** Every problem of every row, without changing anything. */
export async function validateRows(db: Database, type: ImportType, rows: CsvRow[]): Promise<ImportRowError[]> {
  const errors: ImportRowError[] = [];
  const existing = await productIdsBySku(
    db,
    rows.map((r) => r.cells.sku ?? "").filter((s) => s !== ""),
  );
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const sku = cells.sku ?? "";
    const earlier = seen.get(sku);
    if (sku !== "" && earlier !== undefined) {
      errors.push({ row, column: "sku", message: `Same SKU as row ${earlier}` });
      continue;
    }
    seen.set(sku, row);
    const input = rowInput(cells);
    if (type === "stock_counts") {
      if (sku !== "" && !existing.has(sku)) errors.push({ row, column: "sku", message: "No product has this SKU" });
      if (!/^\d+$/.test(cells.on_hand ?? "")) errors.push({ row, column: "on_hand", message: "A whole number ≥ 0" });
      if (cells.location_code) {
        errors.push({
          row,
          column: "location_code",
          message: "Counts by location are not available yet; leave it empty",
        });
      }
      if (sku === "") errors.push({ row, column: "sku", message: "Required" });
      continue;
    }
    const schema = existing.has(sku) ? UpdateProductSchema : CreateProductSchema;
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ row, column: String(issue.path[0] ?? "row"), message: issue.message });
      }
    }
  }
  return errors;
}
