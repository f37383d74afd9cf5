import type { Database } from "../../db/client";
import { badRequest, type FieldProblem } from "../../lib/errors";
import { findProductsForStock } from "../products";
import { assertSafeAmount } from "./money";

export const MAX_LINE_QTY = 1000;

export interface PricedLine {
  productId: string;
  position: number;
  sku: string;
  name: string;
  unitPrice: number;
  qty: number;
  lineTotal: number;
}

/**
 * The lines as they will be sold: duplicates merged (first position kept), each
 * product published and priced, prices and names taken from the catalog now. Every
 * problem is reported at once, by the path of the line the client sent.
 */
export async function priceLines(
  db: Database,
  requested: { product_id: string; qty: number }[],
): Promise<PricedLine[]> {
  const merged = new Map<string, { qty: number; index: number }>();
  requested.forEach((line, index) => {
    const seen = merged.get(line.product_id);
    merged.set(line.product_id, { qty: (seen?.qty ?? 0) + line.qty, index: seen?.index ?? index });
  });
  const products = await findProductsForStock(db, [...merged.keys()]);
  const problems: FieldProblem[] = [];
  const priced: PricedLine[] = [];
  for (const [productId, { qty, index }] of merged) {
    const product = products.get(productId);
    if (product?.status !== "published") {
      problems.push({ path: `lines.${index}.product_id`, message: `Product ${productId} is not for sale` });
      continue;
    }
    if (product.price === null) {
      problems.push({ path: `lines.${index}.product_id`, message: `Product ${productId} has no price` });
      continue;
    }
    if (qty > MAX_LINE_QTY) {
      problems.push({ path: `lines.${index}.qty`, message: `At most ${MAX_LINE_QTY} of a product per order` });
      continue;
    }
    priced.push({
      productId,
      position: priced.length,
      sku: product.sku,
      name: product.name,
      unitPrice: product.price,
      qty,
      lineTotal: assertSafeAmount(product.price * qty, "line total"),
    });
  }
  if (problems.length > 0) throw badRequest("Some lines cannot be ordered.", problems);
  return priced;
}
