import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { ExportFilters, ExportType } from "../../db/schema";
import { EXPORT_SOURCES } from "./sources";

export type Cell = string | number | null;
export type KeysetPosition = (string | number)[];

/** The WHERE of an export: its filters (`from` inclusive, `to` exclusive), and the keyset position. */
function conditions(type: ExportType, filters: ExportFilters, after: KeysetPosition | null): SQL {
  const source = EXPORT_SOURCES[type];
  const parts: SQL[] = [];
  if (source.where) parts.push(sql.raw(source.where));
  for (const [name, column] of Object.entries(source.filters)) {
    const value = filters[name as keyof ExportFilters];
    if (value === undefined || column === undefined) continue;
    const op = name === "from" ? ">=" : name === "to" ? "<" : "=";
    parts.push(sql`${sql.raw(column)} ${sql.raw(op)} ${value}`);
  }
  if (after) {
    // A row-value comparison walks the (unique) keyset index from where the last page ended.
    parts.push(
      sql`(${sql.raw(source.key.join(", "))}) > (${sql.join(
        after.map((v) => sql`${v}`),
        sql`, `,
      )})`,
    );
  }
  return parts.length ? sql`WHERE ${sql.join(parts, sql` AND `)}` : sql``;
}

export async function countRows(db: Database, type: ExportType, filters: ExportFilters): Promise<number> {
  const source = EXPORT_SOURCES[type];
  const [row] = await db.values<[number]>(
    sql`SELECT count(*) FROM ${sql.raw(source.from)} ${conditions(type, filters, null)}`,
  );
  return row?.[0] ?? 0;
}

/** Up to `limit` rows after `after`, as CSV cells, with the keyset position of the last one. */
export async function readPage(
  db: Database,
  type: ExportType,
  filters: ExportFilters,
  after: KeysetPosition | null,
  limit: number,
): Promise<{ rows: Cell[][]; last: KeysetPosition | null }> {
  const source = EXPORT_SOURCES[type];
  const select = [...source.columns.map(([, expression]) => expression), ...source.key].join(", ");
  const raw = await db.values<Cell[]>(
    sql`SELECT ${sql.raw(select)} FROM ${sql.raw(source.from)} ${conditions(type, filters, after)}
        ORDER BY ${sql.raw(source.key.join(", "))} LIMIT ${limit}`,
  );
  const width = source.columns.length;
  const lastRow = raw.at(-1);
  return {
    rows: raw.map((row) => row.slice(0, width)),
    last: lastRow ? (lastRow.slice(width) as KeysetPosition) : null,
  };
}
