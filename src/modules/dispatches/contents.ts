/*
 * What a dispatch carries, checked against the catalog and the sample register: stock
 * lines merged per product (every product known and not archived), samples each named
 * once, known and in store. Being in store is checked again when the dispatch leaves,
 * inside its batch, since a draft holds nothing.
 */
import { eq } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { dispatchLines, dispatchSamples } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { badRequest, conflict, type FieldProblem } from "../../lib/errors";
import { findProductsForStock } from "../products";
import { samplesByIds } from "../samples";
import type { LineRow } from "./store";

export interface Contents {
  lines: Omit<LineRow, "dispatchId">[];
  sampleIds: string[];
}

export async function checkContents(
  db: Database,
  lines: { product_id: string; qty: number }[],
  sampleIds: string[],
): Promise<Contents> {
  const merged = new Map<string, { qty: number; index: number }>();
  lines.forEach((l, index) => {
    const seen = merged.get(l.product_id);
    merged.set(l.product_id, { qty: (seen?.qty ?? 0) + l.qty, index: seen?.index ?? index });
  });
  const uniqueSamples = [...new Set(sampleIds)];
  const [products, samples] = await Promise.all([
    findProductsForStock(db, [...merged.keys()]),
    samplesByIds(db, uniqueSamples),
  ]);
  const problems: FieldProblem[] = [];
  const rows: Contents["lines"] = [];
  for (const [productId, { qty, index }] of merged) {
    const product = products.get(productId);
    if (!product || product.status === "archived") {
      problems.push({ path: `lines.${index}.product_id`, message: `Unknown or archived product ${productId}` });
      continue;
    }
    rows.push({
      position: rows.length + 1,
      productId,
      sku: product.sku,
      name: product.name,
      qty,
      returnedGood: 0,
      returnedDamaged: 0,
      consumed: 0,
      lost: 0,
    });
  }
  const found = new Map(samples.map((s) => [s.id, s]));
  sampleIds.forEach((id, index) => {
    if (!found.has(id)) problems.push({ path: `samples.${index}`, message: `Unknown sample ${id}` });
  });
  if (problems.length > 0) throw badRequest("Some lines or samples are not valid.", problems);
  const away = samples.filter((s) => s.status !== "in_store");
  if (away.length > 0) {
    throw conflict("Some samples are not in store.", {
      samples: away.map((s) => ({ id: s.id, number: s.number, status: s.status })),
    });
  }
  return { lines: rows, sampleIds: uniqueSamples };
}

// Ten columns per line and five per sample link: within D1's 100 bound parameters per insert.
const LINES_PER_INSERT = 9;
const SAMPLES_PER_INSERT = 19;

export function contentInserts(db: Database, dispatchId: string, contents: Contents): Statement[] {
  return [
    ...chunks(contents.lines, LINES_PER_INSERT).map((part) =>
      db.insert(dispatchLines).values(part.map((l) => ({ ...l, dispatchId }))),
    ),
    ...chunks(contents.sampleIds, SAMPLES_PER_INSERT).map((part) =>
      db.insert(dispatchSamples).values(part.map((sampleId) => ({ dispatchId, sampleId }))),
    ),
  ];
}

/** Replaces a draft's contents (the caller guards that it is still that draft). */
export function replaceContents(db: Database, dispatchId: string, contents: Contents): Statement[] {
  return [
    db.delete(dispatchLines).where(eq(dispatchLines.dispatchId, dispatchId)),
    db.delete(dispatchSamples).where(eq(dispatchSamples.dispatchId, dispatchId)),
    ...contentInserts(db, dispatchId, contents),
  ];
}

export async function sampleIdsOf(db: Database, dispatchId: string): Promise<string[]> {
  const rows = await db
    .select({ id: dispatchSamples.sampleId })
    .from(dispatchSamples)
    .where(eq(dispatchSamples.dispatchId, dispatchId));
  return rows.map((r) => r.id);
}
