/*
 * Inventory: every stock change goes to the product's InventoryDO, the only writer,
 * which refuses anything that would let reserved exceed on_hand or on_hand go below
 * zero. Reads that decide something (a level, a check) ask the objects; lists and
 * filters read the D1 projection. Changes made through the API need an
 * Idempotency-Key, and their movement ids are derived from it, so a retried request
 * can never apply a movement twice even after its stored response is gone. Stock
 * changes are audited by the ledger itself: every movement carries its actor.
 */

import type { Database } from "../../db/client";
import { EMPTY_BUCKETS } from "../../durable/inventory/levels";
import type { InventoryDO } from "../../durable/inventory/object";
import type {
  AdjustmentReason,
  LedgerQuery,
  LocationLevel,
  MovementReason,
  StockLevel,
} from "../../durable/inventory/types";
import { type AppError, notFound } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { existingLocationsQuery, fulfillingLocationIds, knownLocations, requireLocations } from "../locations";
import { existingProductsQuery, findProductsForStock } from "../products";
import { refusalError, stockObject } from "../stock";

type Objects = DurableObjectNamespace<InventoryDO>;

export interface StockActor {
  id: string;
  /** Idempotency key of the request, from which movement ids are derived. */
  idempotencyKey: string;
}

/** The level as the API shows it; with a location id, `locations` holds only that one. */
export function toLevelResponse(level: StockLevel, locationId?: string) {
  const { low_stock_threshold: _threshold, locations, ...totals } = level;
  const shown = locationId
    ? [locations.find((l) => l.location_id === locationId) ?? emptyLocation(locationId)]
    : locations;
  return { ...totals, locations: shown };
}

function emptyLocation(locationId: string): LocationLevel {
  return { location_id: locationId, ...EMPTY_BUCKETS, available: 0, version: 0, updated_at: null };
}

export async function requireProducts(db: Database, ids: string[]) {
  const found = await findProductsForStock(db, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw notFound(`Product ${missing.join(", ")}`);
  return found;
}

export async function getStockLevel(db: Database, objects: Objects, productId: string, locationId?: string) {
  await Promise.all([requireProducts(db, [productId]), requireLocations(db, locationId ? [locationId] : [])]);
  const level = toLevelResponse(await stockObject(objects, productId).snapshot(), locationId);
  // With a location, the ETag a stock-take there must match is that location's version.
  return { level, etagVersion: locationId ? (level.locations[0]?.version ?? 0) : level.version };
}

/** The reads a stock change at one place needs: the product, and the location when one is named. */
export function stockPlaceQueries(db: Database, productId: string, locationId: string | null | undefined) {
  return [existingProductsQuery(db, [productId]), existingLocationsQuery(db, locationId ? [locationId] : [])] as const;
}

/** What `stockPlaceQueries` found. */
export type StockPlace = readonly [{ id: string }[], { id: string }[]];

/**
 * The product exists, and so does the location when one is named (none means the
 * default), by ids compared here: rows read for other ids than these never pass.
 */
export function assertStockPlace(
  [foundProducts, foundLocations]: StockPlace,
  productId: string,
  locationId: string | null | undefined,
) {
  if (!foundProducts.some((p) => p.id === productId)) throw notFound(`Product ${productId}`);
  if (locationId && !foundLocations.some((l) => l.id === locationId)) throw notFound(`Location ${locationId}`);
}

export async function requireStockPlace(db: Database, productId: string, locationId: string | null | undefined) {
  assertStockPlace(await Promise.all(stockPlaceQueries(db, productId, locationId)), productId, locationId);
}

/** What could be sold now: at one location, or summed over the locations checkout allocates from. */
async function sellableAt(db: Database, locationId: string | undefined) {
  if (locationId) await requireLocations(db, [locationId]);
  const places = new Set(locationId ? [locationId] : await fulfillingLocationIds(db));
  return (level: StockLevel) =>
    level.locations.filter((l) => places.has(l.location_id)).reduce((sum, l) => sum + l.available, 0);
}

/** Authoritative levels of many products at once, read from their objects in parallel. */
export async function getAvailability(db: Database, objects: Objects, productIds: string[], locationId?: string) {
  const ids = [...new Set(productIds)];
  const [sellable] = await Promise.all([sellableAt(db, locationId), requireProducts(db, ids)]);
  const levels = await Promise.all(ids.map((id) => stockObject(objects, id).snapshot()));
  return {
    data: levels.map((level) => ({ ...toLevelResponse(level, locationId), in_stock: sellable(level) > 0 })),
  };
}

export async function checkAvailability(
  db: Database,
  objects: Objects,
  lines: { product_id: string; qty: number }[],
  locationId?: string,
) {
  const [sellable] = await Promise.all([
    sellableAt(db, locationId),
    requireProducts(
      db,
      lines.map((l) => l.product_id),
    ),
  ]);
  // Lines naming the same product are checked together, as checkout merges them.
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.product_id, (wanted.get(l.product_id) ?? 0) + l.qty);
  const levels = new Map(
    await Promise.all([...wanted.keys()].map(async (id) => [id, await stockObject(objects, id).snapshot()] as const)),
  );
  const checked = lines.map((line) => {
    const level = levels.get(line.product_id);
    const available = level ? sellable(level) : 0;
    const ok = available >= (wanted.get(line.product_id) ?? line.qty);
    return { product_id: line.product_id, requested: line.qty, available, ok };
  });
  return { lines: checked, ok: checked.every((l) => l.ok) };
}

export interface AdjustmentInput {
  delta: number;
  reason: AdjustmentReason;
  location_id?: string | undefined;
  note?: string | undefined;
  reference?: string | undefined;
}

/** `place`: what `stockPlaceQueries` read for this product and location. */
export async function adjustStock(
  place: StockPlace,
  objects: Objects,
  productId: string,
  input: AdjustmentInput,
  actor: StockActor,
) {
  assertStockPlace(place, productId, input.location_id);
  const result = await stockObject(objects, productId).adjust({
    movement_id: await derivedId("mov", actor.id, actor.idempotencyKey, productId),
    location_id: input.location_id ?? null,
    delta: input.delta,
    reason: input.reason,
    note: input.note ?? null,
    reference: input.reference ?? null,
    actor: actor.id,
  });
  if (!result.ok) throw refusalError(result);
  return { movement: result.movement, level: toLevelResponse(result.level) };
}

/** A stock-take: sets on_hand to what was counted, recording the difference as a cycle_count movement. */
export async function countStock(
  place: StockPlace,
  objects: Objects,
  productId: string,
  input: { on_hand: number; expected_version: number; location_id?: string | undefined; note?: string | undefined },
  actor: StockActor,
) {
  assertStockPlace(place, productId, input.location_id);
  const result = await stockObject(objects, productId).setCount({
    movement_id: await derivedId("mov", actor.id, actor.idempotencyKey, productId),
    location_id: input.location_id ?? null,
    on_hand: input.on_hand,
    expected_version: input.expected_version,
    note: input.note ?? null,
    actor: actor.id,
  });
  if (!result.ok) throw refusalError(result);
  return { movement: result.movement, level: toLevelResponse(result.level) };
}

type BatchLineResult = {
  index: number;
  product_id: string;
  ok: boolean;
  movement_id: string | null;
  level: ReturnType<typeof toLevelResponse> | null;
  error: { code: string; detail: string } | null;
};
function lineFailure(index: number, productId: string, error: AppError): BatchLineResult {
  return {
    index,
    product_id: productId,
    ok: false,
    movement_id: null,
    level: null,
    error: { code: error.code, detail: error.message },
  };
}

/**
 * Up to 500 adjustments across products. Products are worked on in parallel, each
 * product's lines in order; every line stands alone, so a refused line changes
 * nothing and does not stop the others.
 */
export async function adjustStockBatch(
  db: Database,
  objects: Objects,
  lines: (AdjustmentInput & { product_id: string })[],
  actor: StockActor,
) {
  const [known, places] = await Promise.all([
    findProductsForStock(
      db,
      lines.map((l) => l.product_id),
    ),
    knownLocations(
      db,
      lines.flatMap((l) => (l.location_id ? [l.location_id] : [])),
    ),
  ]);
  const byProduct = new Map<string, number[]>();
  lines.forEach((line, index) => {
    byProduct.set(line.product_id, [...(byProduct.get(line.product_id) ?? []), index]);
  });

  const results: BatchLineResult[] = [];
  await Promise.all(
    [...byProduct].map(async ([productId, indexes]) => {
      const stub = stockObject(objects, productId);
      for (const index of indexes) {
        const line = lines[index];
        if (!line) continue;
        if (!known.has(productId)) {
          results.push(lineFailure(index, productId, notFound("Product")));
          continue;
        }
        if (line.location_id && !places.has(line.location_id)) {
          results.push(lineFailure(index, productId, notFound("Location")));
          continue;
        }
        const movementId = await derivedId("mov", actor.id, actor.idempotencyKey, String(index));
        const result = await stub.adjust({
          movement_id: movementId,
          location_id: line.location_id ?? null,
          delta: line.delta,
          reason: line.reason,
          note: line.note ?? null,
          reference: line.reference ?? null,
          actor: actor.id,
        });
        results.push(
          result.ok
            ? {
                index,
                product_id: productId,
                ok: true,
                movement_id: result.movement.id,
                level: toLevelResponse(result.level),
                error: null,
              }
            : lineFailure(index, productId, refusalError(result)),
        );
      }
    }),
  );
  results.sort((a, b) => a.index - b.index);
  const applied = results.filter((r) => r.ok).length;
  return { results, applied, failed: results.length - applied };
}

export async function listMovements(
  db: Database,
  objects: Objects,
  productId: string,
  query: {
    limit: number;
    cursor?: string | undefined;
    reason?: MovementReason[] | undefined;
    location_id?: string | undefined;
    created_from?: string | undefined;
    created_to?: string | undefined;
  },
) {
  await requireProducts(db, [productId]);
  const ledgerQuery: LedgerQuery = {
    limit: query.limit + 1,
    before_seq: query.cursor ? Number(decodeCursor(query.cursor, 1)[0]) : null,
    reasons: query.reason ?? [],
    location_id: query.location_id ?? null,
    // The ledger compares `toISOString()` text: a time with an offset is brought to that form.
    from: query.created_from ? new Date(query.created_from).toISOString() : null,
    to: query.created_to ? new Date(query.created_to).toISOString() : null,
  };
  const rows = await stockObject(objects, productId).ledger(ledgerQuery);
  return toPage(
    rows,
    query.limit,
    (m) => [m.seq],
    ({ seq: _seq, ...movement }) => movement,
  );
}
