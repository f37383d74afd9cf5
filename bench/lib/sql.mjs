// Bulk SQL through Miniflare's D1 binding: multi-row INSERTs with literal values
// (D1 caps bound parameters at 100 per statement), checked against the live schema
// so a column added by a later migration is noticed instead of silently skipped.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { quote } from "../../scripts/lib/users.mjs";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const ROWS_PER_STATEMENT = 100;
const STATEMENTS_PER_BATCH = 10;

/**
 * Applies migrations/*.sql in name order (NNNN_ prefixes), each file in one atomic
 * batch, split into statements by wrangler's own splitter (the one `wrangler d1
 * migrations apply` uses: it knows drizzle's breakpoints and trigger bodies).
 */
export async function applyMigrations(db, root = ROOT) {
  const { unstable_splitSqlQuery } = await import("wrangler");
  const dir = path.join(root, "migrations");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(path.join(dir, file), "utf8")).filter(
      (s) => s.replace(/^\s*--.*$/gm, "").trim().length > 0,
    );
    await db.batch(statements.map((s) => db.prepare(s)));
  }
  return files;
}

export async function tableExists(db, table) {
  const row = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first();
  return row !== null;
}

export async function tableColumns(db, table) {
  const { results } = await db.prepare(`PRAGMA table_info(${quote(table)})`).all();
  return results;
}

function literal(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "object") return quote(JSON.stringify(value));
  return quote(value);
}

/**
 * The columns of `table` that must be given a value: NOT NULL, no default, and not
 * an INTEGER PRIMARY KEY (SQLite fills those).
 */
export function requiredColumns(columns) {
  return columns
    .filter((c) => c.notnull === 1 && c.dflt_value === null && !(c.pk === 1 && /^integer$/i.test(c.type)))
    .map((c) => c.name);
}

/**
 * Inserts rows (objects keyed by column name). Keys the table does not have are an
 * error, and so is a required column the rows leave out: both mean the schema moved
 * and the seeder must follow.
 */
export async function insertRows(db, table, rows) {
  if (rows.length === 0) return 0;
  const columns = await tableColumns(db, table);
  const names = new Set(columns.map((c) => c.name));
  const keys = Object.keys(rows[0]);
  const unknown = keys.filter((k) => !names.has(k));
  const missing = requiredColumns(columns).filter((c) => !keys.includes(c));
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(
      `bench seeder out of step with table ${table}: ${unknown.length ? `no such columns ${unknown.join(", ")}` : ""}${
        missing.length ? ` required columns not filled ${missing.join(", ")}` : ""
      }`,
    );
  }
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((row) => `(${keys.map((k) => literal(row[k])).join(", ")})`)
      .join(",\n");
    statements.push(`INSERT INTO ${table} (${keys.join(", ")}) VALUES\n${values}`);
  }
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await db.batch(statements.slice(i, i + STATEMENTS_PER_BATCH).map((s) => db.prepare(s)));
  }
  return rows.length;
}
